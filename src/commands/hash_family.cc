// Hash commands (in progress: the rows are added as the commands are written).
#include "commands/command.h"

namespace corvid {

void RegisterHashFamily(CommandRegistry& r) { (void)r; }

}  // namespace corvid
