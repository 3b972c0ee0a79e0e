#include "persistence/rdb_stream.h"

#include <fmt/format.h>

#include <string>

#include "db/stream_type.h"
#include "persistence/rdb_value.h"

namespace corvid::rdb {

namespace {

using Pos = Listpack::Pos;

// ---- raw IDs: 8 bytes big-endian ms, then 8 bytes big-endian seq (the rax key form) ----

void PutRawId(Writer& w, StreamID id) {
  char buf[16];
  for (int i = 0; i < 8; ++i) {
    buf[i] = static_cast<char>(id.ms >> (56 - 8 * i));
    buf[8 + i] = static_cast<char>(id.seq >> (56 - 8 * i));
  }
  w.Raw(std::string_view(buf, sizeof buf));
}

StreamID RawIdOf(std::string_view b) {
  StreamID id;
  for (int i = 0; i < 8; ++i) {
    id.ms = (id.ms << 8) | static_cast<uint8_t>(b[i]);
    id.seq = (id.seq << 8) | static_cast<uint8_t>(b[8 + i]);
  }
  return id;
}

bool ReadRawId(Reader& r, StreamID* id) {
  std::string_view b;
  if (!r.Raw(16, &b)) return false;
  *id = RawIdOf(b);
  return true;
}

bool ReadId(Reader& r, StreamID* id) { return r.Len(&id->ms) && r.Len(&id->seq); }

// ---- saving ----

void SaveStream(Writer& w, const Value& v, bool compress) {
  const Stream& s = *StreamOf(v);
  w.Len(s.index.nodes().size());
  for (const auto& [master, lp] : s.index.nodes()) {
    Writer key;
    PutRawId(key, master);
    w.String(key.buffer(), compress);
    w.String(lp.Bytes(), compress);
  }
  w.Len(s.index.size());
  for (StreamID id : {s.last_id, s.first_id, s.max_deleted_id}) {
    w.Len(id.ms);
    w.Len(id.seq);
  }
  w.Len(s.entries_added);
  w.Len(s.groups.size());
  for (const auto& [name, g] : s.groups) {
    w.String(name, compress);
    w.Len(g->last_id.ms);
    w.Len(g->last_id.seq);
    w.Len(static_cast<uint64_t>(g->entries_read));  // -1 (unknown) as Redis writes it: 2^64-1
    w.Len(g->pel.size());
    for (const auto& [id, nack] : g->pel) {
      PutRawId(w, id);
      w.U64Le(static_cast<uint64_t>(nack->delivery_time));
      w.Len(nack->delivery_count);
    }
    w.Len(g->consumers.size());
    for (const auto& [cname, c] : g->consumers) {
      w.String(cname, compress);
      w.U64Le(static_cast<uint64_t>(c->seen_time));
      w.Len(c->pel.size());
      for (const auto& [id, nack] : c->pel) PutRawId(w, id);
    }
  }
}

uint8_t StreamRdbType(const Value&) { return kTypeStreamListpacks2; }

// ---- loading ----

// Walks a stream node checking it element by element against the layout in ds/stream_index.h: integer
// counters, a zero-terminated master entry, entries whose lp-count matches their size, IDs not below the
// master and strictly ascending after *prev (when *have_prev), live/deleted totals equal to the master's and
// at least one live entry. On success *prev is the node's last ID and *live its live count.
bool ValidNode(const Listpack& lp, StreamID master, bool* have_prev, StreamID* prev, int64_t* live) {
  Pos p = lp.First();
  auto next_int = [&](int64_t* out) {
    if (p == Listpack::kNoPos) return false;
    LpValue x = lp.Get(p);
    if (!x.is_int) return false;
    *out = x.num;
    p = lp.Next(p);
    return true;
  };
  auto skip = [&](int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      if (p == Listpack::kNoPos) return false;
      p = lp.Next(p);
    }
    return true;
  };
  int64_t count, deleted, nfields, zero;
  if (!next_int(&count) || !next_int(&deleted) || !next_int(&nfields) || count <= 0 || deleted < 0 ||
      nfields <= 0 || !skip(nfields) || !next_int(&zero) || zero != 0)
    return false;
  int64_t seen_live = 0, seen_deleted = 0;
  while (p != Listpack::kNoPos) {
    int64_t flags, ms_delta, seq_delta, lp_count, elements;
    if (!next_int(&flags) || !next_int(&ms_delta) || !next_int(&seq_delta)) return false;
    if (flags & ~(StreamIndex::kFlagDeleted | StreamIndex::kFlagSameFields)) return false;
    StreamID id{master.ms + static_cast<uint64_t>(ms_delta), master.seq + static_cast<uint64_t>(seq_delta)};
    if (id < master || (*have_prev && id <= *prev)) return false;
    *have_prev = true;
    *prev = id;
    if (flags & StreamIndex::kFlagSameFields) {
      if (!skip(nfields)) return false;
      elements = nfields + 3;
    } else {
      int64_t nf;
      if (!next_int(&nf) || nf <= 0 || nf > (int64_t{1} << 31) || !skip(2 * nf)) return false;
      elements = 2 * nf + 4;
    }
    if (!next_int(&lp_count) || lp_count != elements) return false;
    ++((flags & StreamIndex::kFlagDeleted) ? seen_deleted : seen_live);
  }
  *live = count;
  return seen_live == count && seen_deleted == deleted;
}

bool LoadNodes(Reader& r, Stream* s) {
  uint64_t nodes;
  if (!r.Len(&nodes)) return false;
  bool have_prev = false;
  StreamID prev;
  uint64_t live_total = 0;
  while (nodes--) {
    std::string key, blob;
    if (!r.String(&key)) return false;
    if (key.size() != 16) return r.Fail("Stream node key entry is not the size of a stream ID");
    if (!r.String(&blob)) return false;
    if (!Listpack::Validate(blob, /*deep=*/true)) return r.Fail("Stream listpack integrity check failed.");
    StreamID master = RawIdOf(key);
    if (have_prev && master <= prev) return r.Fail("Stream node keys out of order");
    Listpack lp = Listpack::FromBytes(blob);
    if (lp.First() == Listpack::kNoPos) return r.Fail("Empty listpack inside stream");
    int64_t live;
    if (!ValidNode(lp, master, &have_prev, &prev, &live)) return r.Fail("Stream listpack integrity check failed.");
    live_total += static_cast<uint64_t>(live);
    s->index.AddNode(master, std::move(lp));
  }
  uint64_t length;
  if (!r.Len(&length) || !ReadId(r, &s->last_id)) return false;
  if (length != live_total) return r.Fail("Stream length inconsistent with its listpacks");
  if (have_prev && prev > s->last_id) return r.Fail("Stream entry ID above the last ID");
  return true;
}

bool LoadGroup(Reader& r, uint8_t type, Stream* s) {
  std::string name;
  StreamID last_id;
  if (!r.String(&name) || !ReadId(r, &last_id)) return false;
  int64_t entries_read;
  if (type == kTypeStreamListpacks2) {
    uint64_t v;
    if (!r.Len(&v)) return false;
    entries_read = static_cast<int64_t>(v);
  } else {
    entries_read = StreamEntriesReadOf(*s, last_id);
  }
  StreamGroup* g = CreateGroup(s, name, last_id, entries_read);
  if (!g) return r.Fail(fmt::format("Duplicated consumer group name {}", name));
  // The global PEL first, each NACK owned by a placeholder until its consumer claims it.
  StreamConsumer unowned;
  uint64_t pel_size;
  if (!r.Len(&pel_size)) return false;
  while (pel_size--) {
    StreamID id;
    uint64_t time, count;
    if (!ReadRawId(r, &id) || !r.UintLe(8, &time) || !r.Len(&count)) return false;
    if (!GroupAddNack(g, &unowned, id, static_cast<int64_t>(time), count))
      return r.Fail("Duplicated global PEL entry loading stream consumer group");
  }
  uint64_t consumers;
  if (!r.Len(&consumers)) return false;
  while (consumers--) {
    std::string cname;
    uint64_t seen;
    if (!r.String(&cname)) return false;
    StreamConsumer* c = CreateConsumer(g, cname, 0);
    if (!c) return r.Fail("Duplicate stream consumer detected.");
    if (!r.UintLe(8, &seen) || !r.Len(&pel_size)) return false;
    c->seen_time = static_cast<int64_t>(seen);
    while (pel_size--) {
      StreamID id;
      if (!ReadRawId(r, &id)) return false;
      auto it = g->pel.find(id);
      if (it == g->pel.end()) return r.Fail("Consumer entry not found in group global PEL");
      if (it->second->consumer != &unowned)
        return r.Fail("Duplicated consumer PEL entry loading a stream consumer group");
      ConsumerClaimNack(c, id, it->second.get());
    }
  }
  // (On failure NACKs may still point at the placeholder; the half-built stream is only freed, never read.)
  if (!unowned.pel.empty()) return r.Fail("Stream CG PEL entry without consumer");
  return true;
}

bool LoadStream(Reader& r, uint8_t type, Value* out) {
  Value v = NewStreamValue();
  Stream* s = StreamOf(v);
  if (!LoadNodes(r, s)) return false;
  if (type == kTypeStreamListpacks2) {
    if (!ReadId(r, &s->first_id) || !ReadId(r, &s->max_deleted_id) || !r.Len(&s->entries_added)) return false;
  } else {
    // Redis 5-6.2 streams: no tombstone or counter metadata; the counter starts at the length. An empty
    // stream's first ID is the maximum ID, as Redis' streamGetEdgeID leaves it.
    if (!s->index.FirstId(&s->first_id)) s->first_id = StreamID::Max();
    s->entries_added = s->index.size();
  }
  uint64_t groups;
  if (!r.Len(&groups)) return false;
  while (groups--)
    if (!LoadGroup(r, type, s)) return false;
  *out = std::move(v);
  return true;
}

}  // namespace

void RegisterStreamRdb() {
  RegisterRdbSaver(ObjType::kStream, StreamRdbType, SaveStream);
  RegisterRdbLoader(kTypeStreamListpacks, LoadStream);
  RegisterRdbLoader(kTypeStreamListpacks2, LoadStream);
}

}  // namespace corvid::rdb
