#include "persistence/aof_rewrite.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "db/db.h"
#include "db/hash_type.h"
#include "db/list_type.h"
#include "db/set_type.h"
#include "db/stream_type.h"
#include "db/zset_type.h"
#include "persistence/fork_child.h"
#include "persistence/rdb_format.h"
#include "scripting/functions.h"
#include "server/config.h"
#include "server/server.h"
#include "util/numeric.h"

namespace corvid {

namespace {

// Redis' AOF_REWRITE_ITEMS_PER_CMD: elements per RPUSH / SADD / ZADD / HMSET command.
constexpr size_t kItemsPerCmd = 64;

// Commands in RESP (multibulk headers and bulk strings, as Redis' rioWriteBulk* helpers write them) through
// the RDB writer's buffer, which is written to the file every 64 KiB.
class CommandWriter {
 public:
  explicit CommandWriter(int fd) : w_(fd) {
    if (Cfg().aof_rewrite_incremental_fsync) w_.FsyncEvery(rdb::kIncrementalFsyncBytes);
  }

  void Raw(std::string_view s) { w_.Raw(s); }
  // "*<n>\r\n": a command of n arguments follows.
  void Count(size_t n) { Header('*', n); }
  void Bulk(std::string_view s) {
    Header('$', s.size());
    w_.Raw(s);
    w_.Raw("\r\n");
  }
  void Bulk(int64_t v) {
    char buf[kInt64Chars];
    Bulk(std::string_view(buf, Int64ToChars(v, buf)));
  }
  void Bulk(const LpValue& v) {
    char buf[LpValue::kIntBufSize];
    Bulk(v.AsString(buf));
  }
  void Bulk(StreamID id) {
    char buf[2 * kInt64Chars];
    size_t n = UInt64ToChars(id.ms, buf);
    buf[n++] = '-';
    n += UInt64ToChars(id.seq, buf + n);
    Bulk(std::string_view(buf, n));
  }
  // A score as rioWriteBulkDouble prints it ("%.17g": "inf", "1e+20", "0.10000000000000001").
  void Score(double d) {
    char buf[kDoubleChars];
    Bulk(std::string_view(buf, FormatDouble(d, buf)));
  }

  bool ok() const { return w_.ok(); }
  bool Flush() { return w_.Flush(); }

 private:
  void Header(char kind, size_t n) {
    char buf[kInt64Chars + 3];
    buf[0] = kind;
    size_t len = 1 + UInt64ToChars(n, buf + 1);
    buf[len++] = '\r';
    buf[len++] = '\n';
    w_.Raw(std::string_view(buf, len));
  }

  rdb::Writer w_;
};

// The batching of Redis' rewrite{List,Set,SortedSet,Hash}Object: `<cmd> <key>` followed by the arguments of
// at most kItemsPerCmd items (args_per_item each), as many commands as it takes.
class BatchedCommand {
 public:
  BatchedCommand(CommandWriter& w, std::string_view cmd, std::string_view key, size_t items, size_t args_per_item)
      : w_(w), cmd_(cmd), key_(key), left_(items), args_per_item_(args_per_item) {}
  // Call before writing each item's arguments: starts a new command when the previous one is full.
  void NextItem() {
    if (in_cmd_ == 0) {
      w_.Count(2 + std::min(left_, kItemsPerCmd) * args_per_item_);
      w_.Bulk(cmd_);
      w_.Bulk(key_);
    }
    if (++in_cmd_ == kItemsPerCmd) in_cmd_ = 0;
    --left_;
  }

 private:
  CommandWriter& w_;
  std::string_view cmd_, key_;
  size_t left_, args_per_item_;
  size_t in_cmd_ = 0;
};

void WriteList(CommandWriter& w, std::string_view key, const Value& v) {
  const Quicklist* ql = ListOf(v);
  BatchedCommand cmd(w, "RPUSH", key, ql->Size(), 1);
  ql->Walk(0, true, [&](const LpValue& e) {
    cmd.NextItem();
    w.Bulk(e);
    return true;
  });
}

void WriteSet(CommandWriter& w, std::string_view key, const Value& v) {
  BatchedCommand cmd(w, "SADD", key, SetSize(v), 1);
  SetForEach(v, [&](const SetMember& m) {
    cmd.NextItem();
    if (m.is_int)
      w.Bulk(m.num);
    else
      w.Bulk(m.str);
  });
}

void WriteZset(CommandWriter& w, std::string_view key, const Value& v) {
  BatchedCommand cmd(w, "ZADD", key, ZsetSize(v), 2);
  ZsetForEach(v, [&](const ZItem& item) {
    cmd.NextItem();
    w.Score(item.score);
    w.Bulk(item.member);
  });
}

void WriteHash(CommandWriter& w, std::string_view key, const Value& v) {
  BatchedCommand cmd(w, "HMSET", key, HashLen(v), 2);
  HashForEach(v, [&](std::string_view field, std::string_view value) {
    cmd.NextItem();
    w.Bulk(field);
    w.Bulk(value);
  });
}

// Redis' rewriteStreamObject.
void WriteStream(CommandWriter& w, std::string_view key, const Value& v) {
  const Stream& s = *StreamOf(v);
  if (s.index.size() > 0) {
    StreamIterator it(s.index, StreamID{}, StreamID::Max(), false);
    while (it.Next()) {
      w.Count(3 + 2 * it.num_fields());
      w.Bulk("XADD");
      w.Bulk(key);
      w.Bulk(it.id());
      for (const LpValue& fv : it.fields_values()) w.Bulk(fv);
    }
  } else {
    // An empty stream: an entry trimmed away as soon as it is added.
    w.Count(7);
    for (std::string_view a : {std::string_view("XADD"), key, std::string_view("MAXLEN"), std::string_view("0"),
                               std::string_view("0-1"), std::string_view("x"), std::string_view("y")})
      w.Bulk(a);
  }
  w.Count(7);
  w.Bulk("XSETID");
  w.Bulk(key);
  w.Bulk(s.last_id);
  w.Bulk("ENTRIESADDED");
  w.Bulk(static_cast<int64_t>(s.entries_added));
  w.Bulk("MAXDELETEDID");
  w.Bulk(s.max_deleted_id);
  for (const auto& [group_name, group] : s.groups) {
    w.Count(7);
    w.Bulk("XGROUP");
    w.Bulk("CREATE");
    w.Bulk(key);
    w.Bulk(group_name);
    w.Bulk(group->last_id);
    w.Bulk("ENTRIESREAD");
    w.Bulk(group->entries_read);
    for (const auto& [consumer_name, consumer] : group->consumers) {
      if (consumer->pel.empty()) {
        w.Count(5);
        w.Bulk("XGROUP");
        w.Bulk("CREATECONSUMER");
        w.Bulk(key);
        w.Bulk(group_name);
        w.Bulk(consumer_name);
        continue;
      }
      for (const auto& [id, nack] : consumer->pel) {
        w.Count(12);
        w.Bulk("XCLAIM");
        w.Bulk(key);
        w.Bulk(group_name);
        w.Bulk(consumer_name);
        w.Bulk("0");
        w.Bulk(id);
        w.Bulk("TIME");
        w.Bulk(nack->delivery_time);
        w.Bulk("RETRYCOUNT");
        w.Bulk(static_cast<int64_t>(nack->delivery_count));
        w.Bulk("JUSTID");
        w.Bulk("FORCE");
      }
    }
  }
}

void WriteKey(CommandWriter& w, Db& db, KeyEntry* e) {
  std::string_view key = e->key.view();
  const Value& v = e->val;
  switch (v.type()) {
    case ObjType::kString: {
      char buf[kInt64Chars];
      w.Count(3);
      w.Bulk("SET");
      w.Bulk(key);
      w.Bulk(v.StringView(buf));
      break;
    }
    case ObjType::kList: WriteList(w, key, v); break;
    case ObjType::kSet: WriteSet(w, key, v); break;
    case ObjType::kZset: WriteZset(w, key, v); break;
    case ObjType::kHash: WriteHash(w, key, v); break;
    case ObjType::kStream: WriteStream(w, key, v); break;
  }
  int64_t when = db.GetExpire(e);
  if (when != -1) {
    w.Count(3);
    w.Bulk("PEXPIREAT");
    w.Bulk(key);
    w.Bulk(when);
  }
}

}  // namespace

bool AofWriteDatasetAsCommands(int fd, std::string* err) {
  const ServerConfig& cfg = Cfg();
  CommandWriter w(fd);
  if (cfg.aof_timestamp_enabled) {
    char buf[kInt64Chars];
    w.Raw("#TS:");
    w.Raw(std::string_view(buf, Int64ToChars(Srv().now_ms / 1000, buf)));
    w.Raw("\r\n");
  }
  for (const FunctionLibrary* lib : FunctionLibraries()) {
    w.Count(3);
    w.Bulk("FUNCTION");
    w.Bulk("LOAD");
    w.Bulk(lib->code);
  }
  for (auto& dbp : Srv().dbs) {
    Db& db = *dbp;
    if (db.size() == 0) continue;
    w.Count(2);
    w.Bulk("SELECT");
    w.Bulk(static_cast<int64_t>(db.index()));
    db.ForEach([&](KeyEntry* e) {
      if (!w.ok()) return;
      WriteKey(w, db, e);
      ChildKeySaved();
      if (cfg.rdb_key_save_delay > 0) usleep(static_cast<useconds_t>(cfg.rdb_key_save_delay));
    });
  }
  if (!w.Flush()) {
    *err = strerror(errno);
    return false;
  }
  return true;
}

}  // namespace corvid
