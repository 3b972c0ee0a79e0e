// DEBUG: the subcommands Redis' own tools and test suites rely on.
#include <arpa/inet.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <string>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "persistence/aof.h"
#include "persistence/rdb.h"
#include "db/evict.h"
#include "persistence/rdb_value.h"
#include "server/config.h"
#include "server/server.h"
#include "db/collections.h"
#include "db/list_type.h"
#include "util/digest.h"
#include "util/glob.h"
#include "util/numeric.h"

namespace corvid {

namespace {

// ---- DEBUG DIGEST: Redis' dataset digest (SHA1 mixing), so equal data gives equal digests on both ----

// The digest of one value (type, contents, and whether it has a TTL), as Redis' xorObjectDigest.
void ValueDigest(Db& db, KeyEntry* e, Digest d) {
  uint32_t type = htonl(static_cast<uint32_t>(e->val.type()));
  MixDigest(d, &type, sizeof(type));
  if (e->val.IsString()) {
    char buf[kInt64Chars];
    std::string_view s = e->val.StringView(buf);
    MixDigest(d, s.data(), s.size());
  } else {
    CollectionDigest(e->val, d);
  }
  if (db.GetExpire(e) != -1) XorDigest(d, "!!expire!!", 10);
}

void DigestCmd(Client& c) {
  Digest final_digest = {};
  for (auto& dbp : Srv().dbs) {
    Db& db = *dbp;
    if (db.size() == 0) continue;
    uint32_t id = htonl(static_cast<uint32_t>(db.index()));
    MixDigest(final_digest, &id, sizeof(id));
    db.ForEach([&](KeyEntry* e) {
      Digest d = {};
      MixDigest(d, e->key.data(), e->key.size());
      ValueDigest(db, e, d);
      XorDigest(final_digest, d, 20);
    });
  }
  c.reply.Simple(DigestHex(final_digest));
}

void DigestValueCmd(Client& c, CmdArgs args) {
  c.reply.Array(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    Digest d = {};
    if (KeyEntry* e = c.db().Find(args[i])) ValueDigest(c.db(), e, d);
    c.reply.Simple(DigestHex(d));
  }
}

// DEBUG POPULATE count [prefix] [size]: keys "prefix:N" holding "value:N" (padded with zeros to size).
void PopulateCmd(Client& c, CmdArgs args) {
  int64_t count, size = 0;
  if (!ArgInt64(c, args[2], &count, "ERR value is out of range, must be positive") || count < 0)
    return c.reply.Error("ERR value is out of range, must be positive");
  std::string_view prefix = args.size() >= 4 ? args[3] : "key";
  if (args.size() >= 5 && (!StringToInt64(args[4], &size) || size < 0))
    return c.reply.Error("ERR value is out of range, must be positive");
  Db& db = c.db();
  std::string key(prefix), val;
  for (int64_t j = 0; j < count; ++j) {
    key.resize(prefix.size());
    key += ':';
    key += std::to_string(j);
    if (db.FindWrite(key)) continue;
    val = "value:" + std::to_string(j);
    if (size) val.resize(size, '\0');
    db.Add(key, Value::PlainString(val));
  }
  c.reply.Ok();
}

void ObjectCmd(Client& c, CmdArgs args) {
  KeyEntry* e = c.db().Find(args[2]);
  if (!e) return c.reply.Error(err::kNoSuchKey);
  const Value& v = e->val;
  uint64_t idle = IdleTimeMs(v) / 1000;
  // serializedlength: the size of the value's RDB payload, as Redis' rdbSavedObjectLen.
  uint8_t type;
  std::string err;
  rdb::Writer w;
  if (rdb::ValueType(v, &type, &err)) rdb::SaveValue(w, v, Cfg().rdbcompression);
  size_t len = w.buffer().size();
  std::string extra;
  if (v.type() == ObjType::kList) {  // lists are always quicklists
    const Quicklist* ql = ListOf(v);
    Quicklist::Stats st = ql->GetStats();
    extra = fmt::format(" ql_nodes:{} ql_avg_node:{:.2f} ql_listpack_max:{} ql_compressed:{} ql_uncompressed_size:{}",
                        st.nodes, static_cast<double>(ql->Size()) / static_cast<double>(st.nodes), ql->fill(),
                        ql->compress_depth() != 0 ? 1 : 0, st.listpack_bytes);
  }
  c.reply.Simple(fmt::format("Value at:{} refcount:1 encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}{}",
                             static_cast<const void*>(&v), EncodingName(v.encoding()), len, v.lru(), idle, extra));
}

void ProtocolCmd(Client& c, CmdArgs args) {
  std::string_view t = args[2];
  ReplyBuilder& r = c.reply;
  if (Is(t, "string")) {
    r.Bulk("Hello World");
  } else if (Is(t, "integer")) {
    r.Int(12345);
  } else if (Is(t, "double")) {
    r.Double(3.141);
  } else if (Is(t, "bignum")) {
    r.BigNumber("1234567999999999999999999999999999999");
  } else if (Is(t, "null")) {
    r.Null();
  } else if (Is(t, "array") || Is(t, "set")) {
    if (Is(t, "array"))
      r.Array(3);
    else
      r.Set(3);
    for (int j = 0; j < 3; ++j) r.Int(j);
  } else if (Is(t, "map")) {
    r.Map(3);
    for (int j = 0; j < 3; ++j) {
      r.Int(j);
      r.Bool(j == 1);
    }
  } else if (Is(t, "attrib")) {
    if (r.resp() >= 3) {
      r.Attribute(1);
      r.Bulk("key-popularity");
      r.Array(2);
      r.Bulk("key:123");
      r.Int(90);
    }
    r.Bulk("Some real reply following the attribute");
  } else if (Is(t, "push")) {
    r.Push(2);
    r.Bulk("server-cpu-usage");
    r.Int(42);
    r.Bulk("Some real reply following the push reply");
  } else if (Is(t, "true")) {
    r.Bool(true);
  } else if (Is(t, "false")) {
    r.Bool(false);
  } else if (Is(t, "verbatim")) {
    r.Verbatim("This is a verbatim\nstring");
  } else {
    r.Error(
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, flush and load the RDB file again.
void ReloadCmd(Client& c, CmdArgs args) {
  bool save = true, flush = true, merge = false;
  for (size_t j = 2; j < args.size(); ++j) {
    if (Is(args[j], "nosave")) {
      save = false;
    } else if (Is(args[j], "noflush")) {
      flush = false;
    } else if (Is(args[j], "merge")) {
      merge = true;
    } else {
      return c.reply.Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
    }
  }
  std::string err;
  if (!RdbReload(save, flush, merge, &err)) return c.reply.Error(err);
  c.reply.Ok();
}

// ---- DEBUG HTSTATS: the keyspace and expires tables' chain statistics, in Redis' dictGetStats text ----

template <typename D>
void AppendTableStats(std::string& out, const D& dict, int t) {
  typename D::TableStats st = dict.Stats(t);
  const char* name = t == 0 ? "main hash table" : "rehashing target";
  if (st.used == 0) {
    out += fmt::format("Hash table {} stats ({}):\nNo stats available for empty dictionaries\n", t, name);
    return;
  }
  out += fmt::format(
      "Hash table {} stats ({}):\n table size: {}\n number of elements: {}\n different slots: {}\n"
      " max chain length: {}\n avg chain length (counted): {:.2f}\n avg chain length (computed): {:.2f}\n"
      " Chain length distribution:\n",
      t, name, st.size, st.used, st.slots, st.max_chain, static_cast<float>(st.total_chain) / st.slots,
      static_cast<float>(st.used) / st.slots);
  for (size_t i = 0; i + 1 < D::kStatsChains; ++i) {
    if (st.chains[i] == 0) continue;
    out += fmt::format("   {}: {} ({:.2f}%)\n", i, st.chains[i], static_cast<float>(st.chains[i]) / st.size * 100);
  }
}

template <typename D>
void AppendDictStats(std::string& out, const D& dict) {
  AppendTableStats(out, dict, 0);
  if (dict.IsRehashing()) AppendTableStats(out, dict, 1);
}

void HtstatsCmd(Client& c, CmdArgs args) {
  int64_t id;
  if (!StringToInt64(args[2], &id)) return c.reply.Error(err::kNotInteger);
  if (id < 0 || id >= static_cast<int64_t>(Srv().dbs.size())) return c.reply.Error("ERR Out of range database");
  Db& db = GetDb(static_cast<int>(id));
  std::string out = "[Dictionary HT]\n";
  AppendDictStats(out, db.keys());
  out += "[Expires HT]\n";
  AppendDictStats(out, db.expires());
  c.reply.Verbatim(out);
}

void DebugCmd(Client& c, CmdArgs args) {
  if (!ProtectedActionAllowed(c, Cfg().enable_debug_command)) return c.reply.Error(err::kNoPermDebug);
  std::string_view sub = args[1];
  size_t n = args.size();
  if (Is(sub, "help")) {
    return ReplyHelp(c, "DEBUG",
                     {"DIGEST", "    Output a hex signature representing the current DB content.",
                      "DIGEST-VALUE <key> [<key> ...]", "    Output a hex signature of the values of all the specified keys.",
                      "HTSTATS <dbid>", "    Return hash table statistics of the specified Redis database.",
                      "LOADAOF", "    Flush the AOF buffers on disk and reload the AOF in memory.",
                      "OBJECT <key>", "    Show low level info about the `key` and associated value.",
                      "POPULATE <count> [<prefix>] [<size>]",
                      "    Create <count> string keys named key:<num>. If <prefix> is specified then",
                      "    it is used instead of the 'key' prefix. These are not propagated to",
                      "    replicas. Cluster slots are not respected so keys not belonging to the",
                      "    current node can be created in cluster mode.",
                      "PROTOCOL <type>", "    Reply with a test value of the specified type. <type> can be: string,",
                      "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,", "    true, false.",
                      "SET-ACTIVE-EXPIRE <0|1>",
                      "    Setting it to 0 disables expiring keys in background when they are not",
                      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                      "    default.",
                      "RELOAD [option ...]",
                      "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
                      "    * MERGE: conflicting keys will be loaded from RDB.",
                      "    * NOFLUSH: the existing database will not be removed before load, but",
                      "      conflicting keys will generate an exception and kill the server.",
                      "    * NOSAVE: the database will be loaded from an existing RDB file.",
                      "SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed."});
  }
  if (Is(sub, "digest") && n == 2) return DigestCmd(c);
  if (Is(sub, "digest-value") && n >= 2) return DigestValueCmd(c, args);
  if (Is(sub, "populate") && n >= 3 && n <= 5) return PopulateCmd(c, args);
  if (Is(sub, "object") && n == 3) return ObjectCmd(c, args);
  if (Is(sub, "htstats") && n == 3) return HtstatsCmd(c, args);
  if (Is(sub, "protocol") && n == 3) return ProtocolCmd(c, args);
  if (Is(sub, "reload")) return ReloadCmd(c, args);
  if (Is(sub, "loadaof") && n == 2) {
    if (!AofReload()) return c.reply.Error("ERR Error trying to load the AOF files, check server logs.");
    return c.reply.Ok();
  }
  if (Is(sub, "sleep") && n == 3) {
    double secs;
    if (!StringToDouble(args[2], &secs) || secs < 0) return c.reply.Error(err::kNotFloat);
    usleep(static_cast<useconds_t>(secs * 1e6));
    return c.reply.Ok();
  }
  if (Is(sub, "set-active-expire") && n == 3) {
    Srv().active_expire_enabled = args[2] != "0";
    return c.reply.Ok();
  }
  if (Is(sub, "change-repl-id") && n == 2) return c.reply.Ok();
  if (Is(sub, "stringmatch-len") && n == 3) {
    StringMatch(args[2], std::string(1000000, 'a'), false);
    return c.reply.Ok();
  }
  if (Is(sub, "quicklist-packed-threshold") && n == 3) {
    int64_t v;
    if (!StringToInt64(args[2], &v)) return c.reply.Error("ERR argument must be a memory value");
    return c.reply.Ok();
  }
  ReplySubcommandSyntaxError(c, args);
}

constexpr CommandRow kRows[] = {
    {"debug", -2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", DebugCmd, "", "", "1.0.0", "Debugging and testing commands"},
};

}  // namespace

void RegisterDebugFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
