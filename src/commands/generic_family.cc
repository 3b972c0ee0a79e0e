// Keyspace commands: DEL UNLINK EXISTS TYPE KEYS SCAN RANDOMKEY RENAME RENAMENX MOVE COPY DBSIZE FLUSHDB
// FLUSHALL SWAPDB SELECT EXPIRE PEXPIRE EXPIREAT PEXPIREAT PERSIST TTL PTTL EXPIRETIME PEXPIRETIME TOUCH
// OBJECT WAIT.
#include <fmt/format.h>

#include <climits>
#include <string>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "db/evict.h"
#include "db/notify.h"
#include "db/tracking.h"
#include "db/watch.h"
#include "server/config.h"
#include "server/propagate.h"
#include "server/server.h"
#include "util/glob.h"
#include "util/numeric.h"

namespace corvid {

namespace {

// ---- logic ----

// Renames src to dst in db (keeping the TTL); kKeyNotFound if src is absent, kSkipped if nx and dst exists.
OpStatus RenameKey(Db& db, std::string_view src, std::string_view dst, bool nx) {
  KeyEntry* e = db.FindWrite(src);
  if (!e) return OpStatus::kKeyNotFound;
  if (src == dst) return OpStatus::kOk;
  if (db.FindWrite(dst)) {
    if (nx) return OpStatus::kSkipped;
    db.Delete(dst);
  }
  db.MoveEntry(e, db, dst);
  NotifyKeyspaceEvent(kNotifyGeneric, "rename_from", src, db.index());
  NotifyKeyspaceEvent(kNotifyGeneric, "rename_to", dst, db.index());
  ++Srv().stats.dirty;
  return OpStatus::kOk;
}

// Copies key from src into dst (another or the same db); false when nothing was copied.
bool CopyKey(Db& src, std::string_view key, Db& dst, std::string_view dst_key, bool replace) {
  KeyEntry* e = src.FindRead(key);
  if (!e) return false;
  int64_t when = src.GetExpire(e);
  if (dst.FindWrite(dst_key)) {
    if (!replace) return false;
    dst.Delete(dst_key);
  }
  KeyEntry* ne = dst.Add(dst_key, CloneValue(e->val));
  if (when >= 0) dst.SetExpire(ne, when);
  NotifyKeyspaceEvent(kNotifyGeneric, "copy_to", dst_key, dst.index());
  ++Srv().stats.dirty;
  return true;
}

// Moves key from src to dst; false if absent in src or present in dst.
bool MoveKey(Db& src, Db& dst, std::string_view key) {
  KeyEntry* e = src.FindWrite(key);
  if (!e || dst.FindWrite(key)) return false;
  src.MoveEntry(e, dst, key);
  NotifyKeyspaceEvent(kNotifyGeneric, "move_from", key, src.index());
  NotifyKeyspaceEvent(kNotifyGeneric, "move_to", key, dst.index());
  ++Srv().stats.dirty;
  return true;
}

// ---- handlers ----

// DEL (lazily when lazyfree-lazy-user-del) and UNLINK (always lazily): big values are freed in the background.
void DelGeneric(Client& c, CmdArgs args, bool lazy) {
  int64_t n = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    KeyEntry* e = c.db().Find(args[i]);
    if (!e) continue;
    c.db().DeleteEntry(e, lazy);
    ++n;
    NotifyKeyspaceEvent(kNotifyGeneric, "del", args[i], c.db_index());
  }
  Srv().stats.dirty += n;
  c.reply.Int(n);
}

void DelCmd(Client& c, CmdArgs args) { DelGeneric(c, args, Cfg().lazyfree_lazy_user_del); }
void UnlinkCmd(Client& c, CmdArgs args) { DelGeneric(c, args, true); }

void ExistsCmd(Client& c, CmdArgs args) {
  int64_t n = 0;
  for (size_t i = 1; i < args.size(); ++i) n += c.db().FindRead(args[i], true) != nullptr;
  c.reply.Int(n);
}

void TouchCmd(Client& c, CmdArgs args) {
  int64_t n = 0;
  for (size_t i = 1; i < args.size(); ++i) n += c.db().FindRead(args[i], c.Has(kClientNoTouch)) != nullptr;
  c.reply.Int(n);
}

void TypeCmd(Client& c, CmdArgs args) {
  KeyEntry* e = c.db().FindRead(args[1], true);
  c.reply.Simple(e ? TypeName(e->val.type()) : "none");
}

void KeysCmd(Client& c, CmdArgs args) {
  Db& db = c.db();
  std::string_view pattern = args[1];
  bool all = pattern == "*";
  std::vector<KeyEntry*> hits;
  db.ForEach([&](KeyEntry* e) {
    if (all || StringMatch(pattern, e->key.view())) hits.push_back(e);
  });
  // Expired keys are skipped (not deleted: KEYS must not modify the table it walked).
  size_t n = 0;
  for (KeyEntry* e : hits)
    if (!e->val.has_expire() || !db.IsExpired(e)) hits[n++] = e;
  c.reply.Array(n);
  for (size_t i = 0; i < n; ++i) c.reply.Bulk(hits[i]->key.view());
}

void ScanCmd(Client& c, CmdArgs args) {
  ScanArgs sa;
  if (!ParseScanArgs(c, args, 1, true, &sa)) return;
  Db& db = c.db();
  std::vector<KeyEntry*> found;
  uint64_t cursor = sa.cursor;
  int64_t max_iter = sa.count * 10;
  do {
    cursor = db.Scan(cursor, [&](KeyEntry* e) { found.push_back(e); });
  } while (cursor && max_iter-- && static_cast<int64_t>(found.size()) < sa.count);
  std::vector<std::string> keys;
  keys.reserve(found.size());
  for (KeyEntry* e : found) {
    if (sa.has_pattern && !StringMatch(sa.pattern, e->key.view())) continue;
    if (sa.has_type && !Is(sa.type, TypeName(e->val.type()))) continue;
    keys.emplace_back(e->key.view());
  }
  // Expire the visited keys whose time has passed (after the walk, so no entry is freed under it).
  std::erase_if(keys, [&](const std::string& k) { return db.Find(k) == nullptr; });
  std::vector<std::string_view> views(keys.begin(), keys.end());
  ReplyScan(c, cursor, views);
}

void RandomkeyCmd(Client& c, CmdArgs) {
  KeyEntry* e = c.db().RandomKey();
  if (!e) return c.reply.Null();
  c.reply.Bulk(e->key.view());
}

void RenameGeneric(Client& c, CmdArgs args, bool nx) {
  OpStatus st = RenameKey(c.db(), args[1], args[2], nx);
  if (st == OpStatus::kKeyNotFound) return c.reply.Error(err::kNoSuchKey);
  if (nx) return c.reply.Int(st == OpStatus::kOk && args[1] != args[2] ? 1 : 0);
  c.reply.Ok();
}

void RenameCmd(Client& c, CmdArgs args) { RenameGeneric(c, args, false); }
void RenamenxCmd(Client& c, CmdArgs args) { RenameGeneric(c, args, true); }

void MoveCmd(Client& c, CmdArgs args) {
  int dbid;
  if (!ArgDbIndex(c, args[2], &dbid)) return;
  if (dbid == c.db_index()) return c.reply.Error(err::kSameObject);
  c.reply.Int(MoveKey(c.db(), GetDb(dbid), args[1]) ? 1 : 0);
}

void CopyCmd(Client& c, CmdArgs args) {
  int dbid = c.db_index();
  bool replace = false;
  for (size_t j = 3; j < args.size(); ++j) {
    if (Is(args[j], "REPLACE")) {
      replace = true;
    } else if (Is(args[j], "DB") && j + 1 < args.size()) {
      if (!ArgDbIndex(c, args[++j], &dbid)) return;
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  if (dbid == c.db_index() && args[1] == args[2]) return c.reply.Error(err::kSameObject);
  c.reply.Int(CopyKey(c.db(), args[1], GetDb(dbid), args[2], replace) ? 1 : 0);
}

void DbsizeCmd(Client& c, CmdArgs) { c.reply.Int(static_cast<int64_t>(c.db().size())); }

// FLUSHDB/FLUSHALL [ASYNC|SYNC]: sets *lazy (ASYNC, or lazyfree-lazy-user-flush without an argument); false
// (after replying) on bad arguments.
bool FlushArgs(Client& c, CmdArgs args, bool* lazy) {
  if (args.size() == 1) {
    *lazy = Cfg().lazyfree_lazy_user_flush;
  } else if (args.size() == 2 && (Is(args[1], "SYNC") || Is(args[1], "ASYNC"))) {
    *lazy = Is(args[1], "ASYNC");
  } else {
    c.reply.Error(err::kSyntax);
    return false;
  }
  return true;
}

void FlushdbCmd(Client& c, CmdArgs args) {
  bool lazy;
  if (!FlushArgs(c, args, &lazy)) return;
  TouchWatchedKeysInDb(c.db(), nullptr);
  TrackingInvalidateAll(&c);
  Srv().stats.dirty += c.db().Clear(lazy);
  ForcePropagation();  // even when the database was empty (as Redis)
  c.reply.Ok();
}

void FlushallCmd(Client& c, CmdArgs args) {
  bool lazy;
  if (!FlushArgs(c, args, &lazy)) return;
  TrackingInvalidateAll(&c);
  for (auto& db : Srv().dbs) {
    TouchWatchedKeysInDb(*db, nullptr);
    Srv().stats.dirty += db->Clear(lazy);
  }
  ++Srv().stats.dirty;
  c.reply.Ok();
}

void SwapdbCmd(Client& c, CmdArgs args) {
  int64_t a, b;
  if (!ArgInt64(c, args[1], &a, "ERR invalid first DB index") ||
      !ArgInt64(c, args[2], &b, "ERR invalid second DB index"))
    return;
  auto& dbs = Srv().dbs;
  int64_t n = static_cast<int64_t>(dbs.size());
  if (a < 0 || a >= n || b < 0 || b >= n) return c.reply.Error(err::kDbIndexOutOfRange);
  if (a != b) {
    TouchWatchedKeysInDb(*dbs[a], dbs[b].get());
    std::swap(dbs[a], dbs[b]);
    dbs[a]->set_index(static_cast<int>(a));
    dbs[b]->set_index(static_cast<int>(b));
    // Clients keep their db number: re-point every client at the db now holding that number.
    for (auto& [id, cl] : Srv().clients) cl->SelectDb(cl->db_index());
  }
  ++Srv().stats.dirty;  // even swapping a database with itself (as Redis: it is propagated)
  c.reply.Ok();
}

void SelectCmd(Client& c, CmdArgs args) {
  int64_t v;
  if (!ArgInt64(c, args[1], &v)) return;
  if (v < INT32_MIN || v > INT32_MAX) return c.reply.Error(err::kNotInteger);
  if (!c.SelectDb(static_cast<int>(v))) return c.reply.Error(err::kDbIndexOutOfRange);
  c.reply.Ok();
}

enum ExpireFlag { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT: base_ms is now for relative forms, 0 for absolute ones.
void ExpireGeneric(Client& c, CmdArgs args, int64_t base_ms, bool seconds) {
  int flags = 0;
  for (size_t j = 3; j < args.size(); ++j) {
    if (Is(args[j], "NX")) flags |= kNx;
    else if (Is(args[j], "XX")) flags |= kXx;
    else if (Is(args[j], "GT")) flags |= kGt;
    else if (Is(args[j], "LT")) flags |= kLt;
    else return c.reply.Error(fmt::format("ERR Unsupported option {}", CStr(args[j])));
  }
  if ((flags & kNx) && (flags & (kXx | kGt | kLt)))
    return c.reply.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
  if ((flags & kGt) && (flags & kLt)) return c.reply.Error("ERR GT and LT options at the same time are not compatible");
  int64_t when;
  if (!ArgInt64(c, args[2], &when)) return;
  std::string invalid = fmt::format(fmt::runtime(err::kInvalidExpire), c.cur_cmd->fullname);
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) return c.reply.Error(invalid);
    when *= 1000;
  }
  if (when > INT64_MAX - base_ms) return c.reply.Error(invalid);
  when += base_ms;
  Db& db = c.db();
  KeyEntry* e = db.FindWrite(args[1]);
  if (!e) return c.reply.Int(0);
  int64_t cur = db.GetExpire(e);
  if (((flags & kNx) && cur != -1) || ((flags & kXx) && cur == -1) ||
      ((flags & kGt) && (when <= cur || cur == -1)) || ((flags & kLt) && cur != -1 && when >= cur))
    return c.reply.Int(0);
  if (when <= Srv().now_ms) {
    db.DeleteEntry(e, Cfg().lazyfree_lazy_expire);
    NotifyKeyspaceEvent(kNotifyGeneric, "del", args[1], c.db_index());
    PropagateDel(c, args[1]);
  } else {
    db.SetExpire(e, when);
    NotifyKeyspaceEvent(kNotifyGeneric, "expire", args[1], c.db_index());
    // Replayed later, a relative time would mean another instant: propagated as PEXPIREAT (its options kept).
    if (base_ms != 0 || seconds) PropagatePexpireat(c, args[1], when, args.subspan(3));
  }
  ++Srv().stats.dirty;
  c.reply.Int(1);
}

void ExpireCmd(Client& c, CmdArgs args) { ExpireGeneric(c, args, Srv().now_ms, true); }
void PexpireCmd(Client& c, CmdArgs args) { ExpireGeneric(c, args, Srv().now_ms, false); }
void ExpireatCmd(Client& c, CmdArgs args) { ExpireGeneric(c, args, 0, true); }
void PexpireatCmd(Client& c, CmdArgs args) { ExpireGeneric(c, args, 0, false); }

void PersistCmd(Client& c, CmdArgs args) {
  KeyEntry* e = c.db().FindWrite(args[1]);
  bool removed = e && c.db().RemoveExpire(e);
  if (removed) {
    ++Srv().stats.dirty;
    NotifyKeyspaceEvent(kNotifyGeneric, "persist", args[1], c.db_index());
  }
  c.reply.Int(removed ? 1 : 0);
}

// TTL family: -2 when absent, -1 without TTL; remaining (or absolute) time in ms or rounded seconds.
void TtlGeneric(Client& c, CmdArgs args, bool ms, bool absolute) {
  KeyEntry* e = c.db().FindRead(args[1], true);
  if (!e) return c.reply.Int(-2);
  int64_t when = c.db().GetExpire(e);
  if (when == -1) return c.reply.Int(-1);
  int64_t t = absolute ? when : when - Srv().now_ms;
  if (t < 0) t = 0;
  c.reply.Int(ms ? t : (t + 500) / 1000);
}

void TtlCmd(Client& c, CmdArgs args) { TtlGeneric(c, args, false, false); }
void PttlCmd(Client& c, CmdArgs args) { TtlGeneric(c, args, true, false); }
void ExpiretimeCmd(Client& c, CmdArgs args) { TtlGeneric(c, args, false, true); }
void PexpiretimeCmd(Client& c, CmdArgs args) { TtlGeneric(c, args, true, true); }

KeyEntry* ObjectLookup(Client& c, std::string_view key) {
  KeyEntry* e = c.db().FindRead(key, true);
  if (!e) c.reply.Null();
  return e;
}

void ObjectEncodingCmd(Client& c, CmdArgs args) {
  if (KeyEntry* e = ObjectLookup(c, args[2])) c.reply.Bulk(EncodingName(e->val.encoding()));
}

void ObjectRefcountCmd(Client& c, CmdArgs args) {
  KeyEntry* e = ObjectLookup(c, args[2]);
  if (!e) return;
  // Redis shares the integers 0..9999 (unless an LRU/LFU maxmemory policy is set): they report INT_MAX.
  bool shared = e->val.IsInt() && e->val.int_val() >= 0 && e->val.int_val() < 10000 &&
                !(Cfg().maxmemory > 0 && (LruPolicy() || LfuPolicy()));
  c.reply.Int(shared ? INT_MAX : 1);
}

void ObjectIdletimeCmd(Client& c, CmdArgs args) {
  KeyEntry* e = ObjectLookup(c, args[2]);
  if (!e) return;
  if (LfuPolicy())
    return c.reply.Error(
        "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between "
        "policies at runtime LRU and LFU data will take some time to adjust.");
  c.reply.Int(static_cast<int64_t>(IdleTimeMs(e->val) / 1000));
}

void ObjectFreqCmd(Client& c, CmdArgs args) {
  KeyEntry* e = ObjectLookup(c, args[2]);
  if (!e) return;
  if (!LfuPolicy())
    return c.reply.Error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching "
        "between policies at runtime LRU and LFU data will take some time to adjust.");
  c.reply.Int(LfuDecrAndReturn(e->val));
}

void ObjectHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "OBJECT",
            {"ENCODING <key>",
             "    Return the kind of internal representation used in order to store the value",
             "    associated with a <key>.",
             "FREQ <key>",
             "    Return the access frequency index of the <key>. The returned integer is",
             "    proportional to the logarithm of the recent access frequency of the key.",
             "IDLETIME <key>",
             "    Return the idle time of the <key>, that is the approximated number of",
             "    seconds elapsed since the last access to the key.",
             "REFCOUNT <key>",
             "    Return the number of references of the value associated with the specified",
             "    <key>."});
}

constexpr CommandRow kRows[] = {
    {"del", -2, "write", 1, -1, 1, "@keyspace @write @slow", DelCmd, "RM delete", "key...", "1.0.0", "Removes keys"},
    {"unlink", -2, "write fast", 1, -1, 1, "@keyspace @write @fast", UnlinkCmd, "RM delete", "key...", "4.0.0", "Removes keys, freeing large values in the background"},
    {"exists", -2, "readonly fast", 1, -1, 1, "@keyspace @read @fast", ExistsCmd, "RO", "key...", "1.0.0", "Counts how many of the given keys exist"},
    {"type", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", TypeCmd, "RO", "key", "1.0.0", "Returns the type of the value at a key"},
    {"keys", 2, "readonly", 0, 0, 0, "@keyspace @read @slow @dangerous", KeysCmd, "", "pattern:pattern", "1.0.0", "Returns every key matching a pattern"},
    {"scan", -2, "readonly", 0, 0, 0, "@keyspace @read @slow", ScanCmd, "", "cursor:integer MATCH=pattern:pattern? COUNT=count:integer? TYPE=type?", "2.8.0", "Iterates over the keys with a cursor"},
    {"randomkey", 1, "readonly", 0, 0, 0, "@keyspace @read @slow", RandomkeyCmd, "", "", "1.0.0", "Returns a random key"},
    {"rename", 3, "write", 1, 2, 1, "@keyspace @write @slow", RenameCmd, "RW access delete | OW update", "key newkey:key", "1.0.0", "Renames a key"},
    {"renamenx", 3, "write fast", 1, 2, 1, "@keyspace @write @fast", RenamenxCmd, "RW access delete | OW insert", "key newkey:key", "1.0.0", "Renames a key if the new name is free"},
    {"move", 3, "write fast", 1, 1, 1, "@keyspace @write @fast", MoveCmd, "RW access update", "key db:integer", "1.0.0", "Moves a key to another database"},
    {"copy", -3, "write denyoom", 1, 2, 1, "@keyspace @write @slow", CopyCmd, "RO access | OW update", "source:key destination:key DB=destination-db:integer? REPLACE?", "6.2.0", "Copies a value to another key"},
    {"dbsize", 1, "readonly fast", 0, 0, 0, "@keyspace @read @fast", DbsizeCmd, "", "", "1.0.0", "Returns the number of keys in the selected database"},
    {"flushdb", -1, "write", 0, 0, 0, "@keyspace @write @slow @dangerous", FlushdbCmd, "", "async(ASYNC|SYNC)?", "1.0.0", "Removes every key of the selected database"},
    {"flushall", -1, "write", 0, 0, 0, "@keyspace @write @slow @dangerous", FlushallCmd, "", "async(ASYNC|SYNC)?", "1.0.0", "Removes every key of every database"},
    {"swapdb", 3, "write fast", 0, 0, 0, "@keyspace @write @fast @dangerous", SwapdbCmd, "", "index1:integer index2:integer", "4.0.0", "Swaps two databases"},
    {"select", 2, "loading stale fast", 0, 0, 0, "@fast @connection", SelectCmd, "", "index:integer", "1.0.0", "Selects a database"},
    {"expire", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", ExpireCmd, "RW update", "key seconds:integer condition(NX|XX|GT|LT)?", "1.0.0", "Sets a time to live in seconds"},
    {"pexpire", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", PexpireCmd, "RW update", "key milliseconds:integer condition(NX|XX|GT|LT)?", "2.6.0", "Sets a time to live in milliseconds"},
    {"expireat", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", ExpireatCmd, "RW update", "key unix-time-seconds:unix-time condition(NX|XX|GT|LT)?", "1.2.0", "Sets an expiry time as a Unix time in seconds"},
    {"pexpireat", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", PexpireatCmd, "RW update", "key unix-time-milliseconds:unix-time condition(NX|XX|GT|LT)?", "2.6.0", "Sets an expiry time as a Unix time in milliseconds"},
    {"persist", 2, "write fast", 1, 1, 1, "@keyspace @write @fast", PersistCmd, "RW update", "key", "2.2.0", "Removes the time to live of a key"},
    {"ttl", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", TtlCmd, "RO access", "key", "1.0.0", "Returns the remaining time to live in seconds"},
    {"pttl", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", PttlCmd, "RO access", "key", "2.6.0", "Returns the remaining time to live in milliseconds"},
    {"expiretime", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", ExpiretimeCmd, "RO access", "key", "7.0.0", "Returns the expiry time as a Unix time in seconds"},
    {"pexpiretime", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", PexpiretimeCmd, "RO access", "key", "7.0.0", "Returns the expiry time as a Unix time in milliseconds"},
    {"touch", -2, "readonly fast", 1, -1, 1, "@keyspace @read @fast", TouchCmd, "RO", "key...", "3.2.1", "Updates the last access time of keys"},
    {"object", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "2.2.3", "Container of the object inspection commands"},
    {"object|help", 2, "loading stale", 0, 0, 0, "@keyspace @slow", ObjectHelpCmd, "", "", "6.2.0", "Lists the OBJECT subcommands"},
    {"object|freq", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", ObjectFreqCmd, "RO", "key", "4.0.0", "Returns the access-frequency counter of a key"},
    {"object|encoding", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", ObjectEncodingCmd, "RO", "key", "2.2.3", "Returns the internal encoding of a value"},
    {"object|idletime", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", ObjectIdletimeCmd, "RO", "key", "2.2.3", "Returns the seconds since a key was last accessed"},
    {"object|refcount", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", ObjectRefcountCmd, "RO", "key", "2.2.3", "Returns the reference count of a value"},
};

}  // namespace

void RegisterGenericFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
