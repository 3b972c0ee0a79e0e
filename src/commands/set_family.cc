// Set commands (in progress: the rows are added as the commands are written).
#include "commands/command.h"

namespace corvid {

void RegisterSetFamily(CommandRegistry& r) { (void)r; }

}  // namespace corvid
