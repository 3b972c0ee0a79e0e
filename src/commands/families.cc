#include "commands/families.h"

#include "commands/command.h"

namespace corvid {

void RegisterAllFamilies() {
  CommandRegistry& r = Commands();
  if (r.size() > 0) return;
  RegisterConnectionFamily(r);
  RegisterServerFamily(r);
  RegisterConfigFamily(r);
  RegisterGenericFamily(r);
  RegisterStringFamily(r);
  RegisterCommandFamily(r);
  RegisterDebugFamily(r);
  RegisterHashFamily(r);
  RegisterListFamily(r);
  RegisterSetFamily(r);
  RegisterZsetFamily(r);
  RegisterSortFamily(r);
  RegisterTransactionFamily(r);
  RegisterPubsubFamily(r);
  RegisterBitmapFamily(r);
  RegisterHllFamily(r);
  RegisterGeoFamily(r);
  RegisterScriptingFamily(r);
  RegisterPersistenceFamily(r);
  RegisterSlowlogFamily(r);
  RegisterLatencyFamily(r);
  RegisterMemoryFamily(r);
  RegisterStreamFamily(r);
  RegisterAclFamily(r);
  RegisterReplicationFamily(r);
  RegisterClusterFamily(r);
  RegisterModuleFamily(r);
  RegisterMigrateFamily(r);
}

}  // namespace corvid
