#include "db/stream_type.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "db/collections.h"
#include "server/config.h"
#include "util/numeric.h"

namespace corvid {

namespace {

void FreeStream(ObjEnc, void* p) { delete static_cast<Stream*>(p); }

// Measured whole (samples is not used): streams are counted node by node, which is cheap.
size_t StreamBytes(ObjEnc, const void* p, size_t) {
  const auto* s = static_cast<const Stream*>(p);
  // Rough per-element costs of the std::map nodes of groups, NACKs and consumers.
  constexpr size_t kMapNode = 48;
  size_t n = sizeof(Stream) + s->index.HeapBytes();
  for (const auto& [name, g] : s->groups) {
    n += kMapNode + name.size() + sizeof(StreamGroup) + g->pel.size() * (kMapNode + sizeof(StreamNack));
    for (const auto& [cname, c] : g->consumers)
      n += kMapNode + cname.size() + sizeof(StreamConsumer) + c->pel.size() * kMapNode;
  }
  return n;
}

void* CloneStream(ObjEnc, const void* p) {
  const auto* s = static_cast<const Stream*>(p);
  auto* out = new Stream;
  for (const auto& [master, lp] : s->index.nodes()) out->index.AddNode(master, Listpack::FromBytes(lp.Bytes()));
  out->last_id = s->last_id;
  out->first_id = s->first_id;
  out->max_deleted_id = s->max_deleted_id;
  out->entries_added = s->entries_added;
  for (const auto& [name, g] : s->groups) {
    StreamGroup* ng = CreateGroup(out, name, g->last_id, g->entries_read);
    for (const auto& [cname, c] : g->consumers) {
      StreamConsumer* nc = CreateConsumer(ng, cname, c->seen_time);
      nc->active_time = c->active_time;
      for (const auto& [id, nack] : c->pel) GroupAddNack(ng, nc, id, nack->delivery_time, nack->delivery_count);
    }
  }
  return out;
}

// Redis' xorObjectDigest for streams: "<ms>.<seq>" then every field and value, mixed in ID order.
void DigestStream(const Value& v, Digest d) {
  StreamIterator it(StreamOf(v)->index, StreamID{}, StreamID::Max(), false);
  char buf[LpValue::kIntBufSize];
  while (it.Next()) {
    std::string id = std::to_string(it.id().ms) + "." + std::to_string(it.id().seq);
    MixDigest(d, id.data(), id.size());
    for (size_t i = 0; i < it.num_fields(); ++i) {
      std::string_view f = it.field(i).AsString(buf);
      MixDigest(d, f.data(), f.size());
      std::string_view val = it.value(i).AsString(buf);
      MixDigest(d, val.data(), val.size());
    }
  }
}

constexpr CollectionOps kStreamOps = {FreeStream, StreamBytes, CloneStream, DigestStream};

// The first live entry's ID, or 0-0.
StreamID FirstLiveId(const Stream& s) {
  StreamID id;
  return s.index.FirstId(&id) ? id : StreamID{};
}

}  // namespace

Value NewStreamValue() { return Value::Collection(ObjType::kStream, ObjEnc::kStream, new Stream); }

void RegisterStreamType() { RegisterCollectionOps(ObjType::kStream, &kStreamOps); }

bool ParseStreamID(std::string_view s, StreamID* out, uint64_t missing_seq, bool allow_special, bool* seq_given) {
  if (s.size() > 127) return false;
  s = s.substr(0, s.find('\0'));  // read as a C string
  if (seq_given) *seq_given = true;
  if (s == "-" || s == "+") {
    if (!allow_special) return false;
    *out = s == "-" ? StreamID{} : StreamID::Max();
    return true;
  }
  size_t dash = s.find('-');
  uint64_t ms, seq = missing_seq;
  if (!StringToUInt64Lenient(s.substr(0, dash), &ms)) return false;
  if (dash != std::string_view::npos) {
    std::string_view rest = s.substr(dash + 1);
    if (seq_given && rest == "*") {
      seq = 0;
      *seq_given = false;
    } else if (!StringToUInt64Lenient(rest, &seq)) {
      return false;
    }
  }
  *out = {ms, seq};
  return true;
}

XAddResult StreamAppend(Stream* s, StreamID* id, bool ms_given, bool seq_given, std::span<const std::string_view> fv,
                        int64_t now_ms) {
  if (s->last_id == StreamID::Max()) return XAddResult::kIdExhausted;
  StreamID next;
  if (!ms_given) {
    uint64_t ms = static_cast<uint64_t>(now_ms);
    next = ms > s->last_id.ms ? StreamID{ms, 0} : s->last_id;
    if (ms <= s->last_id.ms) next.Incr();
  } else if (seq_given) {
    next = *id;
  } else if (s->last_id.ms == id->ms) {
    if (s->last_id.seq == UINT64_MAX) return XAddResult::kSeqExhausted;
    next = {id->ms, s->last_id.seq + 1};
  } else {
    next = *id;
  }
  if (next <= s->last_id) return XAddResult::kIdTooSmall;
  s->index.Append(next, fv, static_cast<size_t>(Cfg().stream_node_max_bytes), Cfg().stream_node_max_entries);
  ++s->entries_added;
  s->last_id = next;
  if (s->index.size() == 1) s->first_id = next;
  *id = next;
  return XAddResult::kOk;
}

int64_t StreamTrim(Stream* s, const StreamIndex::TrimSpec& spec) {
  int64_t n = s->index.Trim(spec);
  if (n) s->first_id = FirstLiveId(*s);
  return n;
}

bool StreamDelete(Stream* s, StreamID id) {
  if (!s->index.Delete(id)) return false;
  if (id > s->max_deleted_id) s->max_deleted_id = id;
  if (id == s->first_id) s->first_id = FirstLiveId(*s);
  if (s->index.size() == 0) s->first_id = {};
  return true;
}

StreamGroup* FindGroup(const Stream& s, std::string_view name) {
  auto it = s.groups.find(name);
  return it == s.groups.end() ? nullptr : it->second.get();
}

StreamGroup* CreateGroup(Stream* s, std::string_view name, StreamID last_id, int64_t entries_read) {
  auto [it, added] = s->groups.try_emplace(std::string(name));
  if (!added) return nullptr;
  it->second = std::make_unique<StreamGroup>();
  it->second->last_id = last_id;
  it->second->entries_read = entries_read;
  return it->second.get();
}

StreamConsumer* FindConsumer(const StreamGroup& g, std::string_view name) {
  auto it = g.consumers.find(name);
  return it == g.consumers.end() ? nullptr : it->second.get();
}

StreamConsumer* CreateConsumer(StreamGroup* g, std::string_view name, int64_t now_ms) {
  auto [it, added] = g->consumers.try_emplace(std::string(name));
  if (!added) return nullptr;
  it->second = std::make_unique<StreamConsumer>();
  it->second->name = name;
  it->second->seen_time = now_ms;
  return it->second.get();
}

size_t DeleteConsumer(StreamGroup* g, std::string_view name) {
  auto it = g->consumers.find(name);
  if (it == g->consumers.end()) return 0;
  size_t n = it->second->pel.size();
  for (const auto& [id, nack] : it->second->pel) g->pel.erase(id);
  g->consumers.erase(it);
  return n;
}

StreamNack* GroupAddNack(StreamGroup* g, StreamConsumer* c, StreamID id, int64_t delivery_time,
                         uint64_t delivery_count) {
  auto [it, added] = g->pel.try_emplace(id);
  if (!added) return nullptr;
  it->second = std::make_unique<StreamNack>();
  it->second->delivery_time = delivery_time;
  it->second->delivery_count = delivery_count;
  it->second->consumer = c;
  c->pel.emplace(id, it->second.get());
  return it->second.get();
}

void ConsumerClaimNack(StreamConsumer* c, StreamID id, StreamNack* nack) {
  if (nack->consumer == c) return;
  if (nack->consumer) nack->consumer->pel.erase(id);
  c->pel.emplace(id, nack);
  nack->consumer = c;
}

bool GroupAck(StreamGroup* g, StreamID id) {
  auto it = g->pel.find(id);
  if (it == g->pel.end()) return false;
  it->second->consumer->pel.erase(id);
  g->pel.erase(it);
  return true;
}

int64_t StreamEntriesReadOf(const Stream& s, StreamID id) {
  if (!s.entries_added) return 0;
  uint64_t len = s.index.size();
  if (!len && id <= s.last_id) return static_cast<int64_t>(s.entries_added);
  if (id == s.last_id) return static_cast<int64_t>(s.entries_added);
  if (id > s.last_id) return kInvalidEntriesRead;
  if (s.max_deleted_id.IsZero() || s.max_deleted_id < s.first_id) {
    if (id < s.first_id) return static_cast<int64_t>(s.entries_added - len);
    if (id == s.first_id) return static_cast<int64_t>(s.entries_added - len + 1);
  }
  return kInvalidEntriesRead;
}

bool StreamRangeHasTombstones(const Stream& s, StreamID start, StreamID end) {
  if (!s.index.size() || s.max_deleted_id.IsZero()) return false;
  if (s.first_id > s.max_deleted_id) return false;
  return start <= s.max_deleted_id && s.max_deleted_id <= end;
}

bool GroupLag(const Stream& s, const StreamGroup& g, int64_t* lag) {
  if (!s.entries_added) {
    *lag = 0;
    return true;
  }
  if (g.entries_read != kInvalidEntriesRead && !StreamRangeHasTombstones(s, g.last_id, StreamID::Max())) {
    *lag = static_cast<int64_t>(s.entries_added - static_cast<uint64_t>(g.entries_read));
    return true;
  }
  int64_t read = StreamEntriesReadOf(s, g.last_id);
  if (read == kInvalidEntriesRead) return false;
  *lag = static_cast<int64_t>(s.entries_added - static_cast<uint64_t>(read));
  return true;
}

void GroupDelivered(const Stream& s, StreamGroup* g, StreamID id) {
  if (id <= g->last_id) return;
  if (g->entries_read != kInvalidEntriesRead && !StreamRangeHasTombstones(s, id, StreamID::Max()))
    g->entries_read = static_cast<int64_t>(static_cast<uint64_t>(g->entries_read) + 1);  // a loaded value may be huge
  else if (s.entries_added)
    g->entries_read = StreamEntriesReadOf(s, id);
  g->last_id = id;
}

namespace {

using RaxKey = std::array<unsigned char, 16>;

// Nodes of a canonical radix tree over keys[lo, hi) below a node at depth d (that node included).
size_t RaxCount(const std::vector<RaxKey>& keys, size_t lo, size_t hi, size_t d) {
  if (hi - lo == 1) return d == 16 ? 1 : 2;
  size_t l = d;
  while (keys[lo][l] == keys[hi - 1][l]) ++l;  // sorted: the range's common prefix
  size_t n = (l > d ? 1 : 0) + 1;                 // a compressed node down to the branch, and the branch
  for (size_t i = lo; i < hi;) {
    size_t j = i + 1;
    while (j < hi && keys[j][l] == keys[i][l]) ++j;
    n += RaxCount(keys, i, j, l + 1);
    i = j;
  }
  return n;
}

}  // namespace

size_t StreamRaxNodes(const Stream& s) {
  std::vector<RaxKey> keys;
  keys.reserve(s.index.nodes().size());
  for (const auto& [id, lp] : s.index.nodes()) {
    RaxKey k;
    for (int i = 0; i < 8; ++i) {
      k[i] = static_cast<unsigned char>(id.ms >> (56 - 8 * i));
      k[8 + i] = static_cast<unsigned char>(id.seq >> (56 - 8 * i));
    }
    keys.push_back(k);
  }
  if (keys.empty()) return 1;
  return RaxCount(keys, 0, keys.size(), 0);
}

}  // namespace corvid
