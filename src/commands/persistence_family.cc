// Persistence commands: SAVE BGSAVE BGREWRITEAOF DUMP RESTORE (LASTSAVE, SHUTDOWN and INFO persistence live in the server
// family, DEBUG RELOAD in the debug family).
#include <fmt/format.h>

#include <string>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "commands/families.h"
#include "corvid/errors.h"
#include "db/notify.h"
#include "persistence/aof.h"
#include "persistence/rdb.h"
#include "persistence/rdb_value.h"
#include "server/config.h"
#include "server/propagate.h"
#include "server/server.h"

namespace corvid {

namespace {

void SaveCmd(Client& c, CmdArgs) {
  if (Rdb().child_pid != -1) return c.reply.Error(err::kBgsaveInProgress);
  if (RdbSave()) return c.reply.Ok();
  c.reply.Error("ERR");
}

void BgsaveCmd(Client& c, CmdArgs args) {
  bool schedule = args.size() == 2 && Is(args[1], "schedule");
  if (args.size() > 1 && !schedule) return c.reply.Error(err::kSyntax);
  if (Rdb().child_pid != -1) return c.reply.Error(err::kBgsaveInProgress);
  if (AofChildRunning() && !schedule && !c.Has(kClientMulti)) return c.reply.Error(err::kBgsaveOtherChild);
  // Inside EXEC, or while an AOF rewrite runs, the fork waits for the cron, as in Redis.
  if (c.Has(kClientMulti) || AofChildRunning()) {
    Rdb().bgsave_scheduled = true;
    return c.reply.Simple("Background saving scheduled");
  }
  switch (RdbBgsave()) {
    case BgsaveResult::kStarted: return c.reply.Simple("Background saving started");
    case BgsaveResult::kInProgress: return c.reply.Error(err::kBgsaveInProgress);
    case BgsaveResult::kError: return c.reply.Error("ERR");
  }
}

void BgrewriteaofCmd(Client& c, CmdArgs) {
  if (AofChildRunning()) return c.reply.Error(err::kBgrewriteInProgress);
  if (c.Has(kClientMulti)) {
    Aof().rewrite_scheduled = true;
    return c.reply.Simple("Background append only file rewriting scheduled");
  }
  switch (AofBgrewrite()) {
    case AofRewriteResult::kStarted: return c.reply.Simple("Background append only file rewriting started");
    case AofRewriteResult::kScheduled: return c.reply.Simple("Background append only file rewriting scheduled");
    case AofRewriteResult::kInProgress: return c.reply.Error(err::kBgrewriteInProgress);
    case AofRewriteResult::kError: return c.reply.Error(err::kBgrewriteFailed);
  }
}

void DumpCmd(Client& c, CmdArgs args) {
  KeyEntry* e = c.db().FindRead(args[1]);
  if (!e) return c.reply.Null();
  std::string payload, err;
  if (!rdb::DumpPayload(e->val, Cfg().rdbcompression, &payload, &err)) return c.reply.Error("ERR " + err);
  c.reply.Bulk(payload);
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], checked in Redis'
// order: options, existing key, TTL, payload.
void RestoreCmd(Client& c, CmdArgs args) {
  bool replace = false, absttl = false;
  int64_t idle = -1, freq = -1;
  for (size_t j = 4; j < args.size(); ++j) {
    bool more = j + 1 < args.size();
    if (Is(args[j], "replace")) {
      replace = true;
    } else if (Is(args[j], "absttl")) {
      absttl = true;
    } else if (Is(args[j], "idletime") && more && freq == -1) {
      if (!ArgInt64(c, args[++j], &idle)) return;
      if (idle < 0) return c.reply.Error("ERR Invalid IDLETIME value, must be >= 0");
    } else if (Is(args[j], "freq") && more && idle == -1) {
      if (!ArgInt64(c, args[++j], &freq)) return;
      if (freq < 0 || freq > 255) return c.reply.Error("ERR Invalid FREQ value, must be >= 0 and <= 255");
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  Db& db = c.db();
  std::string_view key = args[1];
  if (!replace && db.FindWrite(key)) return c.reply.Error(err::kBusyKey);
  int64_t ttl;
  if (!ArgInt64(c, args[2], &ttl)) return;
  if (ttl < 0) return c.reply.Error("ERR Invalid TTL value, must be >= 0");
  Value v;
  switch (rdb::ParseDumpPayload(args[3], &v)) {
    case rdb::PayloadResult::kOk: break;
    case rdb::PayloadResult::kBadVersionOrChecksum: return c.reply.Error(err::kBadDumpPayload);
    case rdb::PayloadResult::kBadData: return c.reply.Error(err::kBadDataFormat);
  }
  Server& srv = Srv();
  if (ttl && !absttl) ttl += srv.now_ms;
  bool deleted = replace && db.Delete(key);
  if (ttl && ttl <= srv.now_ms) {
    if (deleted) {
      NotifyKeyspaceEvent(kNotifyGeneric, "del", key, c.db_index());
      ++srv.stats.dirty;
      PropagateInstead(c, {"DEL", key});
    }
    return c.reply.Ok();
  }
  KeyEntry* e = db.Add(key, std::move(v));
  if (ttl) db.SetExpire(e, ttl);
  RestoreLruOrLfu(e->val, freq, idle);
  NotifyKeyspaceEvent(kNotifyGeneric, "restore", key, c.db_index());
  ++srv.stats.dirty;
  if (ttl && !absttl && PropagationOn()) {  // a relative TTL replayed later would mean another instant
    fmt::format_int when(ttl);
    std::vector<std::string_view> argv(args.begin(), args.end());
    argv[2] = Digits(when);
    argv.push_back("ABSTTL");
    PropagateInstead(c, argv);
  }
  c.reply.Ok();
}

constexpr CommandRow kRows[] = {
    {"save", 1, "admin noscript no_async_loading no_multi", 0, 0, 0, "@admin @slow @dangerous", SaveCmd, "", "", "1.0.0", "Synchronously saves the database(s) to disk"},
    {"bgsave", -1, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", BgsaveCmd, "", "SCHEDULE?", "1.0.0", "Asynchronously saves the database(s) to disk"},
    {"bgrewriteaof", 1, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", BgrewriteaofCmd, "", "", "1.0.0", "Asynchronously rewrites the append-only file to disk"},
    {"dump", 2, "readonly", 1, 1, 1, "@keyspace @read @slow", DumpCmd, "RO access", "key", "2.6.0", "Returns a serialized representation of the value stored at a key"},
    {"restore", -4, "write denyoom", 1, 1, 1, "@keyspace @write @slow @dangerous", RestoreCmd, "OW update", "key ttl:integer serialized-value:string REPLACE? ABSTTL? IDLETIME=seconds:integer? FREQ=frequency:integer?", "2.6.0", "Creates a key from the serialized representation of a value"},
    {"restore-asking", -4, "write denyoom asking", 1, 1, 1, "@keyspace @write @slow @dangerous", RestoreCmd, "OW update", "key ttl:integer serialized-value REPLACE? ABSTTL? IDLETIME=seconds:integer? FREQ=frequency:integer?", "3.0.0", "Creates a key from a serialized value, as RESTORE (used by cluster migrations)"},
};

}  // namespace

void RegisterPersistenceFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
