// Streams: XADD XLEN XRANGE XREVRANGE XDEL XTRIM XREAD XREADGROUP XACK XPENDING XCLAIM XAUTOCLAIM XSETID and the
// XGROUP / XINFO containers. The data work is in db/stream_type; these handlers parse arguments and build replies.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "commands/families.h"
#include "db/blocking.h"
#include "db/notify.h"
#include "db/stream_type.h"
#include "persistence/rdb.h"
#include "persistence/rdb_stream.h"
#include "server/propagate.h"
#include "server/server.h"
#include "util/numeric.h"

namespace corvid {

namespace {

constexpr std::string_view kInvalidId = "ERR Invalid stream ID specified as stream command argument";
constexpr std::string_view kBothStrategies =
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";

// ---- argument parsing ----

// Parses a stream ID (strict: "-" and "+" rejected unless allow_special); replies the error on failure.
bool ArgId(Client& c, std::string_view a, StreamID* id, uint64_t missing_seq, bool allow_special = false) {
  if (ParseStreamID(a, id, missing_seq, allow_special)) return true;
  c.reply.Error(kInvalidId);
  return false;
}

// A range bound: "(" makes it exclusive (then moved by one ID), "-" / "+" allowed.
bool ArgRangeBound(Client& c, std::string_view a, StreamID* id, uint64_t missing_seq, bool is_start) {
  bool exclusive = a.size() > 1 && a[0] == '(';
  if (!ArgId(c, exclusive ? a.substr(1) : a, id, missing_seq, !exclusive)) return false;
  if (exclusive && !(is_start ? id->Incr() : id->Decr())) {
    c.reply.Error(is_start ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval");
    return false;
  }
  return true;
}

// The entry for key if it is a stream (a write lookup); nullptr with WRONGTYPE replied on a type mismatch.
KeyEntry* FindStreamWrite(Client& c, std::string_view key, bool* wrong) {
  KeyEntry* e = c.db().FindWrite(key);
  *wrong = e && e->val.type() != ObjType::kStream;
  if (*wrong) ReplyError(c, OpStatus::kWrongType);
  return *wrong ? nullptr : e;
}

// Counts changes as Redis' server.dirty does (save points, WATCH).
void Dirty(int64_t n = 1) { Srv().stats.dirty += static_cast<uint64_t>(n); }

// ---- replies ----

// "<ms>-<seq>" written into buf.
std::string_view FormatId(StreamID id, char (&buf)[48]) {
  size_t n = UInt64ToChars(id.ms, buf);
  buf[n++] = '-';
  n += UInt64ToChars(id.seq, buf + n);
  return std::string_view(buf, n);
}

void ReplyId(Client& c, StreamID id) {
  char buf[48];
  c.reply.Bulk(FormatId(id, buf));
}

void ReplyLpValue(Client& c, const LpValue& v) {
  if (v.is_int)
    c.reply.BulkInt(v.num);
  else
    c.reply.Bulk(v.str);
}

// [id, [field, value, ...]] of the iterator's entry.
void ReplyEntry(Client& c, const StreamIterator& it) {
  c.reply.Array(2);
  ReplyId(c, it.id());
  c.reply.Array(it.num_fields() * 2);
  for (size_t i = 0; i < it.num_fields(); ++i) {
    ReplyLpValue(c, it.field(i));
    ReplyLpValue(c, it.value(i));
  }
}

// Ranges of up to this many entries are read in one pass and kept as views (longer ones are counted first).
constexpr size_t kOnePassRange = 1024;

// [id, [field, value, ...]] from a batch's flat arrays.
void ReplyEntryValues(Client& c, StreamID id, std::span<const LpValue> fv) {
  c.reply.Array(2);
  ReplyId(c, id);
  c.reply.Array(fv.size());
  for (const LpValue& v : fv) ReplyLpValue(c, v);
}

// Replies the entries in [start, end] (at most count, 0 = all) as an array; calls each(id) per entry first.
template <typename F>
void ReplyRangeWith(Client& c, const Stream& s, StreamID start, StreamID end, size_t count, bool rev, F&& each) {
  StreamIterator it(s.index, start, end, rev);
  if (count == 0 || count > kOnePassRange) {
    size_t n = 0;
    for (StreamIterator counter(s.index, start, end, rev); (count == 0 || n < count) && counter.Next();) ++n;
    c.reply.Array(n);
    for (size_t i = 0; i < n && it.Next(); ++i) {
      each(it.id());
      ReplyEntry(c, it);
    }
    return;
  }
  // One pass: the values view the listpacks, which nothing changes before the reply is built.
  thread_local std::vector<StreamID> ids;
  thread_local std::vector<LpValue> fv;
  thread_local std::vector<size_t> ends;
  ids.clear();
  fv.clear();
  ends.clear();
  while (ids.size() < count && it.Next()) {
    ids.push_back(it.id());
    fv.insert(fv.end(), it.fields_values().begin(), it.fields_values().end());
    ends.push_back(fv.size());
  }
  c.reply.Array(ids.size());
  for (size_t i = 0, from = 0; i < ids.size(); from = ends[i++]) {
    each(ids[i]);
    ReplyEntryValues(c, ids[i], std::span<const LpValue>(fv).subspan(from, ends[i] - from));
  }
}

void ReplyRange(Client& c, const Stream& s, StreamID start, StreamID end, size_t count, bool rev) {
  ReplyRangeWith(c, s, start, end, count, rev, [](StreamID) {});
}

// Replies the one entry id; false (nothing replied) if it does not exist.
bool ReplyOneEntry(Client& c, const Stream& s, StreamID id) {
  StreamIterator it(s.index, id, id, false);
  if (!it.Next()) return false;
  ReplyEntry(c, it);
  return true;
}

bool EntryExists(const Stream& s, StreamID id) { return StreamIterator(s.index, id, id, false).Next(); }

// ---- XADD / XTRIM ----

struct AddTrimArgs {
  bool has_trim = false;
  StreamIndex::TrimSpec trim;
  bool no_mkstream = false;
  bool id_given = false, seq_given = true;
  StreamID id;
  size_t id_pos = 0;    // XADD: the ID argument (fields follow)
  size_t trim_pos = 0;  // the MAXLEN/MINID threshold argument (after "~" when approx)
};

// Redis' streamParseAddOrTrimArgsOrReply: options from args[2]; for XADD stops at the ID.
bool ParseAddOrTrim(Client& c, CmdArgs args, bool xadd, AddTrimArgs* a) {
  bool limit_given = false;
  size_t i = 2;
  for (; i < args.size(); ++i) {
    size_t more = args.size() - 1 - i;
    std::string_view opt = args[i];
    if (xadd && opt == "*") {
      break;
    } else if ((Is(opt, "MAXLEN") || Is(opt, "MINID")) && more) {
      if (a->has_trim) {
        c.reply.Error(kBothStrategies);
        return false;
      }
      a->trim.by_maxlen = Is(opt, "MAXLEN");
      a->trim.approx = false;
      if (more >= 2 && (args[i + 1] == "~" || args[i + 1] == "=")) {
        a->trim.approx = args[i + 1] == "~";
        ++i;
      }
      ++i;
      a->trim_pos = i;
      if (a->trim.by_maxlen) {
        int64_t maxlen;
        if (!ArgInt64(c, args[i], &maxlen)) return false;
        if (maxlen < 0) {
          c.reply.Error("ERR The MAXLEN argument must be >= 0.");
          return false;
        }
        a->trim.maxlen = static_cast<uint64_t>(maxlen);
      } else if (!ArgId(c, args[i], &a->trim.minid, 0)) {
        return false;
      }
      a->has_trim = true;
    } else if (Is(opt, "LIMIT") && more) {
      if (!ArgInt64(c, args[++i], &a->trim.limit)) return false;
      if (a->trim.limit < 0) {
        c.reply.Error("ERR The LIMIT argument must be >= 0.");
        return false;
      }
      limit_given = true;
    } else if (xadd && Is(opt, "NOMKSTREAM")) {
      a->no_mkstream = true;
    } else if (xadd) {
      if (!ParseStreamID(opt, &a->id, 0, false, &a->seq_given)) {
        c.reply.Error(kInvalidId);
        return false;
      }
      a->id_given = true;
      break;
    } else {
      c.reply.Error(err::kSyntax);
      return false;
    }
  }
  a->id_pos = i;
  if (a->trim.limit && !a->has_trim) {
    c.reply.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return false;
  }
  if (!xadd && !a->has_trim) {
    c.reply.Error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return false;
  }
  if (Rdb().loading) {
    // Replayed from the AOF: a limited trim was propagated as the exact one it amounted to (the LIMIT kept),
    // so no limit applies (Redis' mustObeyClient).
    a->trim.limit = 0;
  } else if (limit_given) {
    if (!a->trim.approx) {
      c.reply.Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return false;
    }
  } else if (a->trim.approx) {
    int64_t limit = 100 * Cfg().stream_node_max_entries;
    a->trim.limit = (limit <= 0 || limit > static_cast<int64_t>(StreamIndex::kListpackMaxSize)) ? 10000 : limit;
  } else {
    a->trim.limit = 0;
  }
  return true;
}

// Propagates XADD/XTRIM by effect (Redis' streamRewriteApproxSpecifier / streamRewriteTrimArgument): the ID
// XADD chose (added, when it was not given whole) and an approximate trim as the exact one it amounted to.
void PropagateAddOrTrim(Client& c, CmdArgs args, const AddTrimArgs& a, const Stream& s, const StreamID* added) {
  bool rewrite_id = added && !(a.id_given && a.seq_given), rewrite_trim = a.has_trim && a.trim.approx;
  if (!PropagationOn() || (!rewrite_id && !rewrite_trim)) return;
  std::vector<std::string_view> argv(args.begin(), args.end());
  char id_buf[48], first_buf[48];
  if (rewrite_id) argv[a.id_pos] = FormatId(*added, id_buf);
  fmt::format_int length(s.index.size());
  if (rewrite_trim) {
    argv[a.trim_pos - 1] = "=";
    if (a.trim.by_maxlen) {
      argv[a.trim_pos] = Digits(length);
    } else {  // the first entry, deleted or not (streamGetEdgeID without skipping tombstones)
      StreamIterator first(s.index, StreamID{}, StreamID::Max(), false, true);
      argv[a.trim_pos] = FormatId(first.Next() ? first.id() : StreamID::Max(), first_buf);
    }
  }
  PropagateInstead(c, argv);
}

void XaddCmd(Client& c, CmdArgs args) {
  AddTrimArgs a;
  if (!ParseAddOrTrim(c, args, true, &a)) return;
  size_t field_pos = a.id_pos + 1;
  if (args.size() < field_pos + 2 || (args.size() - field_pos) % 2)
    return c.reply.Error(fmt::format(fmt::runtime(err::kWrongArity), c.cur_cmd->fullname));
  if (a.id_given && a.seq_given && a.id.IsZero())
    return c.reply.Error("ERR The ID specified in XADD must be greater than 0-0");
  bool wrong;
  KeyEntry* e = FindStreamWrite(c, args[1], &wrong);
  if (wrong) return;
  if (!e) {
    if (a.no_mkstream) return c.reply.Null();
    e = c.db().Add(args[1], NewStreamValue());
  }
  Stream* s = StreamOf(e->val);
  StreamID id = a.id;
  switch (StreamAppend(s, &id, a.id_given, a.seq_given, args.subspan(field_pos), Srv().now_ms)) {
    case XAddResult::kOk: break;
    case XAddResult::kIdExhausted:
      return c.reply.Error("ERR The stream has exhausted the last possible ID, unable to add more items");
    case XAddResult::kSeqExhausted:  // Redis 7.0 reports this case so
      return c.reply.Error("ERR Elements are too large to be stored");
    default:
      return c.reply.Error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
  }
  ReplyId(c, id);
  Dirty();
  NotifyKeyspaceEvent(kNotifyStream, "xadd", args[1], c.db_index());
  if (a.has_trim && StreamTrim(s, a.trim)) NotifyKeyspaceEvent(kNotifyStream, "xtrim", args[1], c.db_index());
  PropagateAddOrTrim(c, args, a, *s, &id);
  SignalKeyReady(c.db(), args[1]);
}

void XtrimCmd(Client& c, CmdArgs args) {
  AddTrimArgs a;
  if (!ParseAddOrTrim(c, args, false, &a)) return;
  bool wrong;
  KeyEntry* e = FindStreamWrite(c, args[1], &wrong);
  if (wrong) return;
  if (!e) return c.reply.Int(0);
  int64_t n = StreamTrim(StreamOf(e->val), a.trim);
  Dirty(n);
  if (n) {
    NotifyKeyspaceEvent(kNotifyStream, "xtrim", args[1], c.db_index());
    PropagateAddOrTrim(c, args, a, *StreamOf(e->val), nullptr);
  }
  c.reply.Int(n);
}

// ---- reads ----

void XlenCmd(Client& c, CmdArgs args) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kStream, &st);
  if (st == OpStatus::kWrongType) return ReplyError(c, st);
  c.reply.Int(e ? static_cast<int64_t>(StreamOf(e->val)->index.size()) : 0);
}

void RangeGeneric(Client& c, CmdArgs args, bool rev) {
  StreamID start, end;
  if (!ArgRangeBound(c, args[rev ? 3 : 2], &start, 0, true)) return;
  if (!ArgRangeBound(c, args[rev ? 2 : 3], &end, UINT64_MAX, false)) return;
  int64_t count = -1;
  for (size_t j = 4; j < args.size(); ++j) {
    if (Is(args[j], "COUNT") && j + 1 < args.size()) {
      if (!ArgInt64(c, args[++j], &count)) return;
      if (count < 0) count = 0;
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kStream, &st);
  if (!e) return st == OpStatus::kWrongType ? ReplyError(c, st) : c.reply.EmptyArray();
  if (count == 0) return c.reply.NullArray();
  ReplyRange(c, *StreamOf(e->val), start, end, count < 0 ? 0 : static_cast<size_t>(count), rev);
}

void XrangeCmd(Client& c, CmdArgs args) { RangeGeneric(c, args, false); }
void XrevrangeCmd(Client& c, CmdArgs args) { RangeGeneric(c, args, true); }

void XdelCmd(Client& c, CmdArgs args) {
  bool wrong;
  KeyEntry* e = FindStreamWrite(c, args[1], &wrong);
  if (wrong) return;
  if (!e) return c.reply.Int(0);
  std::vector<StreamID> ids(args.size() - 2);
  for (size_t j = 2; j < args.size(); ++j)
    if (!ArgId(c, args[j], &ids[j - 2], 0)) return;
  Stream* s = StreamOf(e->val);
  int64_t deleted = 0;
  for (StreamID id : ids) deleted += StreamDelete(s, id);
  Dirty(deleted);
  if (deleted) NotifyKeyspaceEvent(kNotifyStream, "xdel", args[1], c.db_index());
  c.reply.Int(deleted);
}

// ---- XREAD / XREADGROUP ----

struct ReadArgs {
  int64_t deadline = -1;  // -1: no BLOCK; 0: forever
  int64_t count = 0;
  size_t streams_at = 0, n = 0;
  bool noack = false;
  std::string_view group, consumer;
  bool has_group = false;
};

bool ParseRead(Client& c, CmdArgs args, bool xreadgroup, ReadArgs* r) {
  for (size_t i = 1; i < args.size(); ++i) {
    size_t more = args.size() - i - 1;
    std::string_view o = args[i];
    if (Is(o, "BLOCK") && more) {
      int64_t t;
      if (!ArgInt64(c, args[++i], &t, "ERR timeout is not an integer or out of range")) return false;
      if (t < 0) {
        c.reply.Error(err::kTimeoutNegative);
        return false;
      }
      r->deadline = (t == 0 || t > INT64_MAX - Srv().now_ms) ? 0 : t + Srv().now_ms;
    } else if (Is(o, "COUNT") && more) {
      if (!ArgInt64(c, args[++i], &r->count)) return false;
      if (r->count < 0) r->count = 0;
    } else if (Is(o, "STREAMS") && more) {
      r->streams_at = i + 1;
      size_t rest = args.size() - r->streams_at;
      if (rest % 2) {
        c.reply.Error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        return false;
      }
      r->n = rest / 2;
      break;
    } else if (Is(o, "GROUP") && more >= 2) {
      if (!xreadgroup) {
        c.reply.Error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      r->group = args[i + 1];
      r->consumer = args[i + 2];
      r->has_group = true;
      i += 2;
    } else if (Is(o, "NOACK")) {
      if (!xreadgroup) {
        c.reply.Error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      r->noack = true;
    } else {
      c.reply.Error(err::kSyntax);
      return false;
    }
  }
  if (r->streams_at == 0) {
    c.reply.Error(err::kSyntax);
    return false;
  }
  if (xreadgroup && !r->has_group) {
    c.reply.Error("ERR Missing GROUP option for XREADGROUP");
    return false;
  }
  return true;
}

// The stream at key for XREAD(GROUP), nullptr if absent. A re-run of a blocked read treats another type as
// absent (Redis keeps such an XREAD client blocked and fails such an XREADGROUP client).
Stream* ReadLookup(Client& c, std::string_view key, bool rerun, bool* wrong) {
  KeyEntry* e = c.db().FindRead(key, c.Has(kClientNoTouch));
  *wrong = e && e->val.type() != ObjType::kStream && !rerun;
  return e && e->val.type() == ObjType::kStream ? StreamOf(e->val) : nullptr;
}

// ---- propagation of group changes (Redis' streamPropagateXCLAIM / streamPropagateGroupID) ----

// The NACK of id in group g (its owner, delivery time and count, and the group's last ID) as an XCLAIM that
// recreates it on replay; for an entry that no longer exists, the replay drops the NACK.
void PropagateXclaim(Client& c, std::string_view key, std::string_view group, const StreamGroup& g, StreamID id,
                     const StreamNack& nack) {
  if (!PropagationOn()) return;
  char id_buf[48], last_buf[48];
  fmt::format_int time(nack.delivery_time), count(nack.delivery_count);
  PropagateInstead(c, {"XCLAIM", key, group, nack.consumer->name, "0", FormatId(id, id_buf), "TIME", Digits(time),
                       "RETRYCOUNT", Digits(count), "FORCE", "JUSTID", "LASTID", FormatId(g.last_id, last_buf)});
}

// The group's last delivered ID and read counter as XGROUP SETID ... ENTRIESREAD.
void PropagateGroupId(Client& c, std::string_view key, std::string_view group, const StreamGroup& g) {
  if (!PropagationOn()) return;
  char id_buf[48];
  fmt::format_int read(g.entries_read);
  PropagateInstead(c, {"XGROUP", "SETID", key, group, FormatId(g.last_id, id_buf), "ENTRIESREAD", Digits(read)});
}

// Serves new entries (> gt) to a group consumer: advances the group, records NACKs unless noack. Propagated as
// an XCLAIM per NACK, or (noack) as the group's new position.
void ReplyGroupNew(Client& c, std::string_view key, std::string_view group, Stream* s, StreamGroup* g,
                   StreamConsumer* consumer, StreamID gt, size_t count, bool noack) {
  StreamID start = gt;
  start.Incr();
  int64_t now = Srv().now_ms;
  StreamID last = g->last_id;
  ReplyRangeWith(c, *s, start, StreamID::Max(), count, false, [&](StreamID id) {
    GroupDelivered(*s, g, id);
    if (noack) return;
    StreamNack* nack = GroupAddNack(g, consumer, id, now, 1);
    if (!nack) {
      nack = g->pel.find(id)->second.get();
      ConsumerClaimNack(consumer, id, nack);
      nack->delivery_time = now;
      nack->delivery_count = 1;
    }
    PropagateXclaim(c, key, group, *g, id, *nack);
  });
  if (noack && g->last_id != last) PropagateGroupId(c, key, group, *g);
}

// Serves a consumer's own pending entries with ID > gt (history reads).
void ReplyConsumerHistory(Client& c, const Stream& s, StreamConsumer* consumer, StreamID gt, size_t count) {
  StreamID start = gt;
  start.Incr();
  auto from = consumer->pel.lower_bound(start);
  size_t n = 0;
  for (auto it = from; it != consumer->pel.end() && (count == 0 || n < count); ++it) ++n;
  c.reply.Array(n);
  int64_t now = Srv().now_ms;
  auto it = from;
  for (size_t i = 0; i < n; ++i, ++it) {
    if (ReplyOneEntry(c, s, it->first)) {
      it->second->delivery_time = now;
      ++it->second->delivery_count;
    } else {
      c.reply.Array(2);
      ReplyId(c, it->first);
      c.reply.NullArray();
    }
  }
}

void ReadGeneric(Client& c, CmdArgs args, bool xreadgroup) {
  ReadArgs r;
  if (!ParseRead(c, args, xreadgroup, &r)) return;
  bool rerun = IsBlockedRerun(c);
  std::vector<Stream*> streams(r.n);
  std::vector<StreamGroup*> groups(r.n);
  std::vector<StreamID> ids(r.n);
  std::vector<bool> newest(r.n);  // ">" given
  std::vector<std::string> resolved;  // "$" resolved, for the blocked re-run
  const std::string* ready = BlockedRerunKey(c);  // a re-run serves the stream that became ready only
  for (size_t i = 0; i < r.n; ++i) {
    std::string_view key = args[r.streams_at + i], ida = args[r.streams_at + r.n + i];
    if (ready && key != *ready) continue;
    bool wrong;
    streams[i] = ReadLookup(c, key, rerun, &wrong);
    if (wrong) return ReplyError(c, OpStatus::kWrongType);
    if (xreadgroup) {
      if (rerun && !streams[i]) return c.reply.Error("UNBLOCKED the stream key no longer exists");
      groups[i] = streams[i] ? FindGroup(*streams[i], r.group) : nullptr;
      if (rerun && !groups[i])
        return c.reply.Error("NOGROUP the consumer group this client was blocked on no longer exists");
      if (!groups[i])
        return c.reply.Error(fmt::format(
            "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option", CStr(key),
            CStr(r.group)));
    }
    if (ida == "$") {
      if (xreadgroup)
        return c.reply.Error(
            "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
            "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return "
            "an empty result set.");
      ids[i] = streams[i] ? streams[i]->last_id : StreamID{};
      continue;
    }
    if (ida == ">") {
      if (!xreadgroup)
        return c.reply.Error(
            "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
      ids[i] = StreamID::Max();
      newest[i] = true;
      continue;
    }
    if (!ArgId(c, ida, &ids[i], 0)) return;
  }

  // Which streams can be served now (Redis decides per stream before replying).
  std::vector<bool> serve(r.n), history(r.n);
  std::vector<StreamConsumer*> consumers(r.n);
  std::vector<bool> created(r.n);
  size_t served = 0;
  for (size_t i = 0; i < r.n; ++i) {
    Stream* s = streams[i];
    if (!s) continue;
    StreamID last;
    bool has_last = s->index.LastId(&last);
    if (xreadgroup) {
      if (!newest[i]) {
        serve[i] = history[i] = true;
      } else if (has_last && last > groups[i]->last_id) {
        serve[i] = true;
        ids[i] = groups[i]->last_id;
      }
      StreamConsumer* cons = FindConsumer(*groups[i], r.consumer);
      if (!cons) {
        cons = CreateConsumer(groups[i], r.consumer, Srv().now_ms);
        NotifyKeyspaceEvent(kNotifyStream, "xgroup-createconsumer", args[r.streams_at + i], c.db_index());
        created[i] = true;
      }
      cons->seen_time = Srv().now_ms;
      consumers[i] = cons;
    } else {
      serve[i] = has_last && last > ids[i];
    }
    served += serve[i];
  }

  // XREADGROUP propagates what it changed in the groups (below), never itself: a replay must not read.
  if (xreadgroup) PreventPropagation();
  if (served) {
    bool resp3 = c.reply.resp() == 3;
    if (resp3)
      c.reply.Map(served);
    else
      c.reply.Array(served);
    size_t count = static_cast<size_t>(r.count);
    for (size_t i = 0; i < r.n; ++i) {
      if (!serve[i]) continue;
      if (!resp3) c.reply.Array(2);
      c.reply.Bulk(args[r.streams_at + i]);
      if (xreadgroup) Dirty();
      if (history[i]) {
        ReplyConsumerHistory(c, *streams[i], consumers[i], ids[i], count);
      } else if (xreadgroup) {
        consumers[i]->active_time = Srv().now_ms;
        // Without NOACK the XCLAIMs create the consumer on replay.
        if (created[i] && r.noack)
          PropagateInstead(c, {"XGROUP", "CREATECONSUMER", args[r.streams_at + i], r.group, r.consumer});
        ReplyGroupNew(c, args[r.streams_at + i], r.group, streams[i], groups[i], consumers[i], ids[i], count,
                      r.noack);
      } else {
        StreamID start = ids[i];
        start.Incr();
        ReplyRange(c, *streams[i], start, StreamID::Max(), count, false);
      }
    }
    return;
  }
  if (r.deadline < 0) return c.reply.NullArray();
  if (!CanBlock(c)) return c.reply.NullArray();
  // Block with "$" pinned to the IDs seen now, so a re-run waits for entries after them.
  std::vector<std::string_view> argv(args.begin(), args.end());
  resolved.reserve(r.n);
  for (size_t i = 0; i < r.n; ++i) {
    size_t at = r.streams_at + r.n + i;
    if (argv[at] != "$") continue;
    resolved.push_back(ids[i].ToString());
    argv[at] = resolved.back();
  }
  BlockOnKeys(c, argv, args.subspan(r.streams_at, r.n), r.deadline, BlockTimeoutReply::kNullArray);
}

void XreadCmd(Client& c, CmdArgs args) { ReadGeneric(c, args, false); }
void XreadgroupCmd(Client& c, CmdArgs args) { ReadGeneric(c, args, true); }

// XREAD / XREADGROUP keys: after STREAMS (skipping the options before it), the first half of the rest.
bool XreadKeys(CmdArgs argv, std::vector<KeyRef>* out) {
  size_t i = 1;
  for (; i < argv.size(); ++i) {
    if (Is(argv[i], "BLOCK") || Is(argv[i], "COUNT"))
      ++i;
    else if (Is(argv[i], "GROUP"))
      i += 2;
    else if (Is(argv[i], "NOACK"))
      continue;
    else
      break;
  }
  if (i >= argv.size() || !Is(argv[i], "STREAMS")) return false;
  size_t rest = argv.size() - i - 1;
  if (rest == 0 || rest % 2) return false;
  for (size_t k = 0; k < rest / 2; ++k) out->push_back({i + 1 + k, 0});
  return true;
}

// ---- groups ----

// The stream (*s) and group of a group command; nullptr after replying WRONGTYPE, or NOGROUP "No such key '<k>'
// or consumer group '<g>'" when either is missing.
StreamGroup* FindKeyGroup(Client& c, std::string_view key, std::string_view group, Stream** s) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, key, ObjType::kStream, &st);
  if (st == OpStatus::kWrongType) {
    ReplyError(c, st);
    return nullptr;
  }
  *s = e ? StreamOf(e->val) : nullptr;
  StreamGroup* g = *s ? FindGroup(**s, group) : nullptr;
  if (!g) c.reply.Error(fmt::format("NOGROUP No such key '{}' or consumer group '{}'", CStr(key), CStr(group)));
  return g;
}

void XackCmd(Client& c, CmdArgs args) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, args[1], ObjType::kStream, &st);
  if (st == OpStatus::kWrongType) return ReplyError(c, st);
  StreamGroup* g = e ? FindGroup(*StreamOf(e->val), args[2]) : nullptr;
  if (!g) return c.reply.Int(0);
  std::vector<StreamID> ids(args.size() - 3);
  for (size_t j = 3; j < args.size(); ++j)
    if (!ArgId(c, args[j], &ids[j - 3], 0)) return;
  int64_t acked = 0;
  for (StreamID id : ids) acked += GroupAck(g, id);
  Dirty(acked);
  c.reply.Int(acked);
}

void XpendingCmd(Client& c, CmdArgs args) {
  bool summary = args.size() == 3;
  if (!summary && (args.size() < 6 || args.size() > 9)) return c.reply.Error(err::kSyntax);
  StreamID start, end;
  int64_t count = 0, min_idle = 0;
  std::string_view consumer_name;
  bool has_consumer = false;
  if (!summary) {
    size_t at = 3;
    if (Is(args[3], "IDLE")) {
      if (!ArgInt64(c, args[4], &min_idle)) return;
      if (args.size() < 8) return c.reply.Error(err::kSyntax);
      at += 2;
    }
    if (!ArgInt64(c, args[at + 2], &count)) return;
    if (count < 0) count = 0;
    if (!ArgRangeBound(c, args[at], &start, 0, true) || !ArgRangeBound(c, args[at + 1], &end, UINT64_MAX, false))
      return;
    if (at + 3 < args.size()) {
      consumer_name = args[at + 3];
      has_consumer = true;
    }
  }
  Stream* s;
  StreamGroup* g = FindKeyGroup(c, args[1], args[2], &s);
  if (!g) return;
  if (summary) {
    c.reply.Array(4);
    c.reply.Int(static_cast<int64_t>(g->pel.size()));
    if (g->pel.empty()) {
      c.reply.Null();
      c.reply.Null();
      return c.reply.NullArray();
    }
    ReplyId(c, g->pel.begin()->first);
    ReplyId(c, g->pel.rbegin()->first);
    size_t n = 0;
    for (const auto& [name, cons] : g->consumers) n += !cons->pel.empty();
    c.reply.Array(n);
    for (const auto& [name, cons] : g->consumers) {
      if (cons->pel.empty()) continue;
      c.reply.Array(2);
      c.reply.Bulk(name);
      c.reply.BulkInt(static_cast<int64_t>(cons->pel.size()));
    }
    return;
  }
  int64_t now = Srv().now_ms;
  // The NACKs to list, from the consumer's PEL or the group's.
  std::vector<std::pair<StreamID, const StreamNack*>> rows;
  auto collect = [&](const auto& pel) {
    for (auto it = pel.lower_bound(start); count > 0 && it != pel.end() && it->first <= end; ++it) {
      const StreamNack* nack = &*it->second;
      if (min_idle && now - nack->delivery_time < min_idle) continue;
      rows.emplace_back(it->first, nack);
      --count;
    }
  };
  if (has_consumer) {
    StreamConsumer* cons = FindConsumer(*g, consumer_name);
    if (!cons) return c.reply.EmptyArray();
    collect(cons->pel);
  } else {
    collect(g->pel);
  }
  c.reply.Array(rows.size());
  for (const auto& [id, nack] : rows) {
    c.reply.Array(4);
    ReplyId(c, id);
    c.reply.Bulk(nack->consumer->name);
    c.reply.Int(std::max<int64_t>(0, now - nack->delivery_time));
    c.reply.Int(static_cast<int64_t>(nack->delivery_count));
  }
}

// The consumer name of g, created (with its notification) if missing.
StreamConsumer* ConsumerFor(Client& c, StreamGroup* g, std::string_view key, std::string_view name) {
  StreamConsumer* cons = FindConsumer(*g, name);
  if (!cons) {
    cons = CreateConsumer(g, name, Srv().now_ms);
    NotifyKeyspaceEvent(kNotifyStream, "xgroup-createconsumer", key, c.db_index());
  }
  cons->seen_time = Srv().now_ms;
  return cons;
}

// Replies the claimed ids: their IDs (justid) or their entries (nil for a vanished one).
void ReplyClaimed(Client& c, const Stream& s, const std::vector<StreamID>& ids, bool justid) {
  c.reply.Array(ids.size());
  for (StreamID id : ids) {
    if (justid)
      ReplyId(c, id);
    else if (!ReplyOneEntry(c, s, id))
      c.reply.Null();
  }
}

void XclaimCmd(Client& c, CmdArgs args) {
  Stream* s;
  StreamGroup* g = FindKeyGroup(c, args[1], args[2], &s);
  if (!g) return;
  int64_t min_idle;
  if (!ArgInt64(c, args[4], &min_idle, "ERR Invalid min-idle-time argument for XCLAIM")) return;
  if (min_idle < 0) min_idle = 0;
  size_t j = 5;
  std::vector<StreamID> ids;
  for (StreamID id; j < args.size() && ParseStreamID(args[j], &id, 0); ++j) ids.push_back(id);
  int64_t now = Srv().now_ms, delivery = -1, retry = -1;
  bool force = false, justid = false;
  StreamID last_id;
  for (; j < args.size(); ++j) {
    bool more = j + 1 < args.size();
    std::string_view opt = args[j];
    if (Is(opt, "FORCE")) {
      force = true;
    } else if (Is(opt, "JUSTID")) {
      justid = true;
    } else if (Is(opt, "IDLE") && more) {
      if (!ArgInt64(c, args[++j], &delivery, "ERR Invalid IDLE option argument for XCLAIM")) return;
      delivery = now - delivery;
    } else if (Is(opt, "TIME") && more) {
      if (!ArgInt64(c, args[++j], &delivery, "ERR Invalid TIME option argument for XCLAIM")) return;
    } else if (Is(opt, "RETRYCOUNT") && more) {
      if (!ArgInt64(c, args[++j], &retry, "ERR Invalid RETRYCOUNT option argument for XCLAIM")) return;
    } else if (Is(opt, "LASTID") && more) {
      if (!ArgId(c, args[++j], &last_id, 0)) return;
    } else {
      return c.reply.Error(fmt::format("ERR Unrecognized XCLAIM option '{}'", CStr(opt)));
    }
  }
  bool moved_last = last_id > g->last_id;
  if (moved_last) g->last_id = last_id;
  if (delivery == -1 || delivery < 0 || delivery > now) delivery = now;
  StreamConsumer* cons = nullptr;
  std::vector<StreamID> claimed;
  for (StreamID id : ids) {
    auto it = g->pel.find(id);
    if (!EntryExists(*s, id)) {
      if (it == g->pel.end()) continue;
      PropagateXclaim(c, args[1], args[2], *g, id, *it->second);
      GroupAck(g, id);
      Dirty();
      continue;
    }
    StreamNack* nack = it == g->pel.end() ? nullptr : it->second.get();
    if (!nack && force) {
      nack = g->pel.emplace(id, std::make_unique<StreamNack>()).first->second.get();
      nack->delivery_time = now;
      nack->delivery_count = 1;  // as Redis' streamCreateNACK (then counted once more unless JUSTID)
    }
    if (!nack) continue;
    if (nack->consumer && min_idle && now - nack->delivery_time < min_idle) continue;
    if (!cons) cons = ConsumerFor(c, g, args[1], args[3]);
    ConsumerClaimNack(cons, id, nack);
    nack->delivery_time = delivery;
    if (retry >= 0)
      nack->delivery_count = static_cast<uint64_t>(retry);
    else if (!justid)
      ++nack->delivery_count;
    claimed.push_back(id);
    PropagateXclaim(c, args[1], args[2], *g, id, *nack);
  }
  if (cons) cons->active_time = now;
  Dirty(static_cast<int64_t>(claimed.size()));
  // A LASTID that moved the group and was not carried by an XCLAIM.
  if (moved_last && claimed.empty()) {
    Dirty();
    PropagateGroupId(c, args[1], args[2], *g);
  }
  ReplyClaimed(c, *s, claimed, justid);
}

void XautoclaimCmd(Client& c, CmdArgs args) {
  int64_t min_idle;
  if (!ArgInt64(c, args[4], &min_idle, "ERR Invalid min-idle-time argument for XAUTOCLAIM")) return;
  if (min_idle < 0) min_idle = 0;
  StreamID start;
  if (!ArgRangeBound(c, args[5], &start, 0, true)) return;
  int64_t count = 100;
  bool justid = false;
  constexpr int64_t kAttemptsFactor = 10;
  for (size_t j = 6; j < args.size(); ++j) {
    if (Is(args[j], "COUNT") && j + 1 < args.size()) {
      if (!StringToInt64(args[j + 1], &count) || count < 1 || count > INT64_MAX / 16)
        return c.reply.Error("ERR COUNT must be > 0");
      ++j;
    } else if (Is(args[j], "JUSTID")) {
      justid = true;
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  Stream* s;
  StreamGroup* g = FindKeyGroup(c, args[1], args[2], &s);
  if (!g) return;
  int64_t now = Srv().now_ms, attempts = count * kAttemptsFactor;
  StreamConsumer* cons = nullptr;
  std::vector<StreamID> claimed, deleted;
  auto it = g->pel.lower_bound(start);
  for (; attempts-- && count && it != g->pel.end();) {
    StreamID id = it->first;
    StreamNack* nack = it->second.get();
    ++it;
    if (!EntryExists(*s, id)) {
      PropagateXclaim(c, args[1], args[2], *g, id, *nack);
      GroupAck(g, id);
      deleted.push_back(id);
      --count;
      continue;
    }
    if (min_idle && now - nack->delivery_time < min_idle) continue;
    if (!cons) cons = ConsumerFor(c, g, args[1], args[3]);
    ConsumerClaimNack(cons, id, nack);
    nack->delivery_time = now;
    if (!justid) ++nack->delivery_count;
    claimed.push_back(id);
    PropagateXclaim(c, args[1], args[2], *g, id, *nack);
    --count;
  }
  if (cons) cons->active_time = now;
  Dirty(static_cast<int64_t>(claimed.size() + deleted.size()));
  c.reply.Array(3);
  ReplyId(c, it == g->pel.end() ? StreamID{} : it->first);
  ReplyClaimed(c, *s, claimed, justid);
  c.reply.Array(deleted.size());
  for (StreamID id : deleted) ReplyId(c, id);
}

void XsetidCmd(Client& c, CmdArgs args) {
  StreamID id, max_deleted;
  int64_t entries_added = -1;
  if (!ArgId(c, args[2], &id, 0)) return;
  for (size_t i = 3; i < args.size(); i += 2) {
    bool more = i + 1 < args.size();
    if (Is(args[i], "ENTRIESADDED") && more) {
      if (!ArgInt64(c, args[i + 1], &entries_added)) return;
      if (entries_added < 0) return c.reply.Error("ERR entries_added must be positive");
    } else if (Is(args[i], "MAXDELETEDID") && more) {
      if (!ArgId(c, args[i + 1], &max_deleted, 0)) return;
      if (id < max_deleted)
        return c.reply.Error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  bool wrong;
  KeyEntry* e = FindStreamWrite(c, args[1], &wrong);
  if (wrong) return;
  if (!e) return c.reply.Error(err::kNoSuchKey);
  Stream* s = StreamOf(e->val);
  StreamID top;
  if (s->index.LastId(&top)) {
    if (id < top) return c.reply.Error("ERR The ID specified in XSETID is smaller than the target stream top item");
    if (entries_added != -1 && s->index.size() > static_cast<uint64_t>(entries_added))
      return c.reply.Error("ERR The entries_added specified in XSETID is smaller than the target stream length");
  }
  s->last_id = id;
  if (entries_added != -1) s->entries_added = static_cast<uint64_t>(entries_added);
  if (!max_deleted.IsZero()) s->max_deleted_id = max_deleted;
  c.reply.Ok();
  Dirty();
  NotifyKeyspaceEvent(kNotifyStream, "xsetid", args[1], c.db_index());
}

// ---- XGROUP ----


// The common head of XGROUP subcommands: key (and group). Replies and returns false when the key is missing
// (unless mkstream) or, for need_group, the group is.
struct GroupTarget {
  KeyEntry* e = nullptr;
  Stream* s = nullptr;
  StreamGroup* g = nullptr;
};

bool XgroupTarget(Client& c, CmdArgs args, bool mkstream, bool need_group, GroupTarget* t) {
  bool wrong;
  t->e = FindStreamWrite(c, args[2], &wrong);
  if (wrong) return false;
  t->s = t->e ? StreamOf(t->e->val) : nullptr;
  if (mkstream) return true;
  if (!t->s) {
    c.reply.Error(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
        "MKSTREAM option to create an empty stream automatically.");
    return false;
  }
  t->g = FindGroup(*t->s, args[3]);
  if (!t->g && need_group) {
    c.reply.Error(
        fmt::format("NOGROUP No such consumer group '{}' for key name '{}'", CStr(args[3]), CStr(args[2])));
    return false;
  }
  return true;
}

// CREATE / SETID options from args[5]: MKSTREAM (CREATE only) and ENTRIESREAD.
bool ParseGroupOptions(Client& c, CmdArgs args, bool create, bool* mkstream, int64_t* entries_read) {
  for (size_t i = 5; i < args.size();) {
    if (create && Is(args[i], "MKSTREAM")) {
      *mkstream = true;
      ++i;
    } else if (Is(args[i], "ENTRIESREAD") && i + 1 < args.size()) {
      if (!ArgInt64(c, args[i + 1], entries_read)) return false;
      if (*entries_read < 0 && *entries_read != kInvalidEntriesRead) {
        c.reply.Error("ERR value for ENTRIESREAD must be positive or -1");
        return false;
      }
      i += 2;
    } else {
      ReplySubcommandSyntaxError(c, args);
      return false;
    }
  }
  return true;
}

void XgroupCreateCmd(Client& c, CmdArgs args) {
  bool mkstream = false;
  int64_t entries_read = kInvalidEntriesRead;
  if (!ParseGroupOptions(c, args, true, &mkstream, &entries_read)) return;
  GroupTarget t;
  if (!XgroupTarget(c, args, mkstream, false, &t)) return;
  if (args.size() > 8) return ReplySubcommandSyntaxError(c, args);
  StreamID id;
  if (args[4] == "$")
    id = t.s ? t.s->last_id : StreamID{};
  else if (!ArgId(c, args[4], &id, 0))
    return;
  if (!t.s) t.s = StreamOf(c.db().Add(args[2], NewStreamValue())->val);
  if (!CreateGroup(t.s, args[3], id, entries_read)) return c.reply.Error("BUSYGROUP Consumer Group name already exists");
  c.reply.Ok();
  Dirty();
  NotifyKeyspaceEvent(kNotifyStream, "xgroup-create", args[2], c.db_index());
}

void XgroupSetidCmd(Client& c, CmdArgs args) {
  bool mkstream = false;
  int64_t entries_read = kInvalidEntriesRead;
  if (!ParseGroupOptions(c, args, false, &mkstream, &entries_read)) return;
  GroupTarget t;
  if (!XgroupTarget(c, args, false, true, &t)) return;
  if (args.size() != 5 && args.size() != 7) return ReplySubcommandSyntaxError(c, args);
  StreamID id;
  if (args[4] == "$")
    id = t.s->last_id;
  else if (!ArgId(c, args[4], &id, 0, true))
    return;
  t.g->last_id = id;
  t.g->entries_read = entries_read;
  c.reply.Ok();
  Dirty();
  NotifyKeyspaceEvent(kNotifyStream, "xgroup-setid", args[2], c.db_index());
}

void XgroupDestroyCmd(Client& c, CmdArgs args) {
  GroupTarget t;
  if (!XgroupTarget(c, args, false, false, &t)) return;
  if (!t.g) return c.reply.Int(0);
  t.s->groups.erase(t.s->groups.find(args[3]));
  c.reply.Int(1);
  Dirty();
  NotifyKeyspaceEvent(kNotifyStream, "xgroup-destroy", args[2], c.db_index());
  SignalKeyReady(c.db(), args[2]);  // blocked XREADGROUP clients of the group fail with NOGROUP
}

void XgroupCreateconsumerCmd(Client& c, CmdArgs args) {
  GroupTarget t;
  if (!XgroupTarget(c, args, false, true, &t)) return;
  bool created = CreateConsumer(t.g, args[4], Srv().now_ms) != nullptr;
  if (created) {
    Dirty();
    NotifyKeyspaceEvent(kNotifyStream, "xgroup-createconsumer", args[2], c.db_index());
  }
  c.reply.Int(created);
}

void XgroupDelconsumerCmd(Client& c, CmdArgs args) {
  GroupTarget t;
  if (!XgroupTarget(c, args, false, true, &t)) return;
  bool existed = FindConsumer(*t.g, args[4]) != nullptr;
  size_t pending = DeleteConsumer(t.g, args[4]);
  if (existed) {
    Dirty();
    NotifyKeyspaceEvent(kNotifyStream, "xgroup-delconsumer", args[2], c.db_index());
  }
  c.reply.Int(static_cast<int64_t>(pending));
}

void XgroupHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "XGROUP",
            {"CREATE <key> <groupname> <id|$> [option]", "    Create a new consumer group. Options are:",
             "    * MKSTREAM", "      Create the empty stream if it does not exist.", "    * ENTRIESREAD entries_read",
             "      Set the group's entries_read counter (internal use).",
             "CREATECONSUMER <key> <groupname> <consumer>", "    Create a new consumer in the specified group.",
             "DELCONSUMER <key> <groupname> <consumer>", "    Remove the specified consumer.",
             "DESTROY <key> <groupname>", "    Remove the specified group.",
             "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
             "    Set the current group ID and entries_read counter."});
}

// ---- XINFO ----

void XinfoHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "XINFO",
            {"CONSUMERS <key> <groupname>", "    Show consumers of <groupname>.", "GROUPS <key>",
             "    Show the stream consumer groups.", "STREAM <key> [FULL [COUNT <count>]",
             "    Show information about the stream."});
}

// The stream for XINFO: "ERR no such key" when absent.
Stream* XinfoStream(Client& c, std::string_view key) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, key, ObjType::kStream, &st);
  if (!e) c.reply.Error(st == OpStatus::kWrongType ? err::kWrongType : err::kNoSuchKey);
  return e ? StreamOf(e->val) : nullptr;
}

// The "last-delivered-id", "entries-read" and "lag" fields of a group (nil where unknown).
void ReplyGroupProgress(Client& c, const Stream& s, const StreamGroup& g) {
  c.reply.Bulk("last-delivered-id");
  ReplyId(c, g.last_id);
  c.reply.Bulk("entries-read");
  if (g.entries_read != kInvalidEntriesRead)
    c.reply.Int(g.entries_read);
  else
    c.reply.Null();
  c.reply.Bulk("lag");
  int64_t lag;
  if (GroupLag(s, g, &lag))
    c.reply.Int(lag);
  else
    c.reply.Null();
}

void XinfoConsumersCmd(Client& c, CmdArgs args) {
  Stream* s = XinfoStream(c, args[2]);
  if (!s) return;
  StreamGroup* g = FindGroup(*s, args[3]);
  if (!g)
    return c.reply.Error(
        fmt::format("NOGROUP No such consumer group '{}' for key name '{}'", CStr(args[3]), CStr(args[2])));
  c.reply.Array(g->consumers.size());
  int64_t now = Srv().now_ms;
  for (const auto& [name, cons] : g->consumers) {
    c.reply.Map(3);
    c.reply.Bulk("name");
    c.reply.Bulk(name);
    c.reply.Bulk("pending");
    c.reply.Int(static_cast<int64_t>(cons->pel.size()));
    c.reply.Bulk("idle");
    c.reply.Int(std::max<int64_t>(0, now - cons->seen_time));
  }
}

void XinfoGroupsCmd(Client& c, CmdArgs args) {
  Stream* s = XinfoStream(c, args[2]);
  if (!s) return;
  c.reply.Array(s->groups.size());
  for (const auto& [name, g] : s->groups) {
    c.reply.Map(6);
    c.reply.Bulk("name");
    c.reply.Bulk(name);
    c.reply.Bulk("consumers");
    c.reply.Int(static_cast<int64_t>(g->consumers.size()));
    c.reply.Bulk("pending");
    c.reply.Int(static_cast<int64_t>(g->pel.size()));
    ReplyGroupProgress(c, *s, *g);
  }
}

// XINFO STREAM FULL's groups section (at most count PEL entries per list, 0 = all).
void ReplyFullGroups(Client& c, const Stream& s, size_t count) {
  c.reply.Array(s.groups.size());
  for (const auto& [name, g] : s.groups) {
    c.reply.Map(7);
    c.reply.Bulk("name");
    c.reply.Bulk(name);
    ReplyGroupProgress(c, s, *g);
    c.reply.Bulk("pel-count");
    c.reply.Int(static_cast<int64_t>(g->pel.size()));
    c.reply.Bulk("pending");
    size_t n = count ? std::min(count, g->pel.size()) : g->pel.size();
    c.reply.Array(n);
    auto it = g->pel.begin();
    for (size_t i = 0; i < n; ++i, ++it) {
      c.reply.Array(4);
      ReplyId(c, it->first);
      c.reply.Bulk(it->second->consumer->name);
      c.reply.Int(it->second->delivery_time);
      c.reply.Int(static_cast<int64_t>(it->second->delivery_count));
    }
    c.reply.Bulk("consumers");
    c.reply.Array(g->consumers.size());
    for (const auto& [cname, cons] : g->consumers) {
      c.reply.Map(4);
      c.reply.Bulk("name");
      c.reply.Bulk(cname);
      c.reply.Bulk("seen-time");
      c.reply.Int(cons->seen_time);
      c.reply.Bulk("pel-count");
      c.reply.Int(static_cast<int64_t>(cons->pel.size()));
      c.reply.Bulk("pending");
      size_t m = count ? std::min(count, cons->pel.size()) : cons->pel.size();
      c.reply.Array(m);
      auto ct = cons->pel.begin();
      for (size_t i = 0; i < m; ++i, ++ct) {
        c.reply.Array(3);
        ReplyId(c, ct->first);
        c.reply.Int(ct->second->delivery_time);
        c.reply.Int(static_cast<int64_t>(ct->second->delivery_count));
      }
    }
  }
}

void XinfoStreamCmd(Client& c, CmdArgs args) {
  Stream* s = XinfoStream(c, args[2]);
  if (!s) return;
  bool full = args.size() > 3;
  int64_t count = 10;
  if (full) {
    if (!Is(args[3], "FULL")) return ReplySubcommandSyntaxError(c, args);
    if (args.size() > 4) {
      if (args.size() != 6 || !Is(args[4], "COUNT")) return ReplySubcommandSyntaxError(c, args);
      if (!ArgInt64(c, args[5], &count)) return;
      if (count < 0) count = 0;
    }
  }
  c.reply.Map(full ? 9 : 10);
  c.reply.Bulk("length");
  c.reply.Int(static_cast<int64_t>(s->index.size()));
  c.reply.Bulk("radix-tree-keys");
  c.reply.Int(static_cast<int64_t>(s->index.nodes().size()));
  c.reply.Bulk("radix-tree-nodes");
  c.reply.Int(static_cast<int64_t>(StreamRaxNodes(*s)));
  c.reply.Bulk("last-generated-id");
  ReplyId(c, s->last_id);
  c.reply.Bulk("max-deleted-entry-id");
  ReplyId(c, s->max_deleted_id);
  c.reply.Bulk("entries-added");
  c.reply.Int(static_cast<int64_t>(s->entries_added));
  c.reply.Bulk("recorded-first-entry-id");
  ReplyId(c, s->first_id);
  if (full) {
    c.reply.Bulk("entries");
    ReplyRange(c, *s, StreamID{}, StreamID::Max(), static_cast<size_t>(count), false);
    c.reply.Bulk("groups");
    return ReplyFullGroups(c, *s, static_cast<size_t>(count));
  }
  c.reply.Bulk("groups");
  c.reply.Int(static_cast<int64_t>(s->groups.size()));
  for (bool rev : {false, true}) {
    c.reply.Bulk(rev ? "last-entry" : "first-entry");
    StreamIterator it(s->index, StreamID{}, StreamID::Max(), rev);
    if (it.Next())
      ReplyEntry(c, it);
    else
      c.reply.Null();
  }
}

constexpr CommandRow kRows[] = {
    {"xadd", -5, "write denyoom fast", 1, 1, 1, "@write @stream @fast", XaddCmd, "RW update", "key NOMKSTREAM? trim{strategy(MAXLEN|MINID) operator(=|~)? threshold LIMIT=count:integer?}? id_or_auto(*|id) field_value{field value}...", "5.0.0"},
    {"xlen", 2, "readonly fast", 1, 1, 1, "@read @stream @fast", XlenCmd, "RO", "key", "5.0.0"},
    {"xrange", -4, "readonly", 1, 1, 1, "@read @stream @slow", XrangeCmd, "RO access", "key start end COUNT=count:integer?", "5.0.0"},
    {"xrevrange", -4, "readonly", 1, 1, 1, "@read @stream @slow", XrevrangeCmd, "RO access", "key end start COUNT=count:integer?", "5.0.0"},
    {"xdel", -3, "write fast", 1, 1, 1, "@write @stream @fast", XdelCmd, "RW delete", "key id...", "5.0.0"},
    {"xtrim", -4, "write", 1, 1, 1, "@write @stream @slow", XtrimCmd, "RW delete", "key trim{strategy(MAXLEN|MINID) operator(=|~)? threshold LIMIT=count:integer?}", "5.0.0"},
    {"xread", -4, "readonly blocking movablekeys", 0, 0, 0, "@read @stream @slow @blocking", XreadCmd, "RO access", "COUNT=count:integer? BLOCK=milliseconds:integer? STREAMS=streams{key... id...}", "5.0.0", "", XreadKeys},
    {"xreadgroup", -7, "write blocking movablekeys", 0, 0, 0, "@write @stream @slow @blocking", XreadgroupCmd, "RO access", "GROUP=group_consumer{group consumer} COUNT=count:integer? BLOCK=milliseconds:integer? NOACK? STREAMS=streams{key... id...}", "5.0.0", "", XreadKeys},
    {"xack", -4, "write fast", 1, 1, 1, "@write @stream @fast", XackCmd, "RW update", "key group id...", "5.0.0"},
    {"xpending", -3, "readonly", 1, 1, 1, "@read @stream @slow", XpendingCmd, "RO access", "key group filters{IDLE=min-idle-time:integer? start end count:integer consumer?}?", "5.0.0"},
    {"xclaim", -6, "write fast", 1, 1, 1, "@write @stream @fast", XclaimCmd, "RW update", "key group consumer min-idle-time id... IDLE=ms:integer? TIME=unix-time-milliseconds:unix-time? RETRYCOUNT=count:integer? FORCE? JUSTID? LASTID=id?", "5.0.0"},
    {"xautoclaim", -6, "write fast", 1, 1, 1, "@write @stream @fast", XautoclaimCmd, "RW delete", "key group consumer min-idle-time start COUNT=count:integer? JUSTID?", "6.2.0"},
    {"xsetid", -3, "write denyoom fast", 1, 1, 1, "@write @stream @fast", XsetidCmd, "RW update", "key last-id ENTRIESADDED=entries_added:integer? MAXDELETEDID=max_deleted_entry_id?", "5.0.0"},
    {"xgroup", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "5.0.0", "Container of the consumer group commands"},
    {"xgroup|create", -5, "write denyoom", 2, 2, 1, "@write @stream @slow", XgroupCreateCmd, "RW insert", "key groupname id(id|$) MKSTREAM? ENTRIESREAD=entries_read:integer?", "5.0.0"},
    {"xgroup|setid", -5, "write", 2, 2, 1, "@write @stream @slow", XgroupSetidCmd, "RW update", "key groupname id(id|$) ENTRIESREAD=entries_read:integer?", "5.0.0"},
    {"xgroup|destroy", 4, "write", 2, 2, 1, "@write @stream @slow", XgroupDestroyCmd, "RW delete", "key groupname", "5.0.0"},
    {"xgroup|createconsumer", 5, "write denyoom", 2, 2, 1, "@write @stream @slow", XgroupCreateconsumerCmd, "RW insert", "key groupname consumername", "6.2.0"},
    {"xgroup|delconsumer", 5, "write", 2, 2, 1, "@write @stream @slow", XgroupDelconsumerCmd, "RW delete", "key groupname consumername", "5.0.0"},
    {"xgroup|help", 2, "loading stale", 0, 0, 0, "@stream @slow", XgroupHelpCmd, "", "", "5.0.0"},
    {"xinfo", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "5.0.0", "Container of the stream introspection commands"},
    {"xinfo|consumers", 4, "readonly", 2, 2, 1, "@read @stream @slow", XinfoConsumersCmd, "RO access", "key groupname", "5.0.0"},
    {"xinfo|groups", 3, "readonly", 2, 2, 1, "@read @stream @slow", XinfoGroupsCmd, "RO access", "key", "5.0.0"},
    {"xinfo|stream", -3, "readonly", 2, 2, 1, "@read @stream @slow", XinfoStreamCmd, "RO access", "key FULL=full{COUNT=count:integer?}?", "5.0.0"},
    {"xinfo|help", 2, "loading stale", 0, 0, 0, "@stream @slow", XinfoHelpCmd, "", "", "5.0.0"},
};

}  // namespace

void RegisterStreamFamily(CommandRegistry& r) {
  RegisterStreamType();
  rdb::RegisterStreamRdb();
  r.Add(kRows);
}

}  // namespace corvid
