// Every command family's registration function; RegisterAllFamilies() calls each one, in this order.
#pragma once

namespace corvid {

class CommandRegistry;

void RegisterConnectionFamily(CommandRegistry& r);
void RegisterServerFamily(CommandRegistry& r);
void RegisterConfigFamily(CommandRegistry& r);
void RegisterGenericFamily(CommandRegistry& r);
void RegisterStringFamily(CommandRegistry& r);
void RegisterCommandFamily(CommandRegistry& r);
void RegisterDebugFamily(CommandRegistry& r);
void RegisterHashFamily(CommandRegistry& r);
void RegisterListFamily(CommandRegistry& r);
void RegisterSetFamily(CommandRegistry& r);
void RegisterZsetFamily(CommandRegistry& r);
void RegisterSortFamily(CommandRegistry& r);
void RegisterTransactionFamily(CommandRegistry& r);
void RegisterPubsubFamily(CommandRegistry& r);
void RegisterBitmapFamily(CommandRegistry& r);
void RegisterHllFamily(CommandRegistry& r);
void RegisterGeoFamily(CommandRegistry& r);
void RegisterScriptingFamily(CommandRegistry& r);
void RegisterPersistenceFamily(CommandRegistry& r);
void RegisterSlowlogFamily(CommandRegistry& r);
void RegisterLatencyFamily(CommandRegistry& r);
void RegisterMemoryFamily(CommandRegistry& r);
void RegisterStreamFamily(CommandRegistry& r);
void RegisterAclFamily(CommandRegistry& r);
void RegisterReplicationFamily(CommandRegistry& r);
void RegisterClusterFamily(CommandRegistry& r);
void RegisterModuleFamily(CommandRegistry& r);
void RegisterMigrateFamily(CommandRegistry& r);

}  // namespace corvid
