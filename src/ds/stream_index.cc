#include "ds/stream_index.h"

#include <fmt/format.h>

namespace corvid {

namespace {

using Pos = Listpack::Pos;

int64_t IntAt(const Listpack& lp, Pos p) { return lp.Get(p).num; }

// The master entry of a node.
struct Master {
  int64_t count, deleted, nfields;
  Pos fields;  // the first master field
  Pos first;   // the first entry's flags, kNoPos if none
};

Master ReadMaster(const Listpack& lp) {
  Master m;
  Pos p = lp.First();
  m.count = IntAt(lp, p);
  p = lp.Next(p);
  m.deleted = IntAt(lp, p);
  p = lp.Next(p);
  m.nfields = IntAt(lp, p);
  p = lp.Next(p);
  m.fields = p;
  for (int64_t i = 0; i < m.nfields; ++i) p = lp.Next(p);
  m.first = lp.Next(p);  // past the zero terminator
  return m;
}

// Reads the head of the entry at p (flags, ID) and returns the position of its lp-count.
Pos EntryHead(const Listpack& lp, Pos p, StreamID master, int64_t master_fields, int64_t* flags, StreamID* id) {
  *flags = IntAt(lp, p);
  p = lp.Next(p);
  id->ms = master.ms + static_cast<uint64_t>(IntAt(lp, p));
  p = lp.Next(p);
  id->seq = master.seq + static_cast<uint64_t>(IntAt(lp, p));
  p = lp.Next(p);
  int64_t skip = master_fields;
  if (!(*flags & StreamIndex::kFlagSameFields)) {
    skip = IntAt(lp, p) * 2;
    p = lp.Next(p);
  }
  for (int64_t i = 0; i < skip; ++i) p = lp.Next(p);
  return p;
}

// Adds delta to the master entry's live count and -delta to its deleted count; returns the new live count.
int64_t AdjustCounts(Listpack& lp, int64_t delta) {
  Pos p = lp.First();
  int64_t count = IntAt(lp, p) + delta;
  lp.ReplaceInt(p, count);
  p = lp.Next(p);
  lp.ReplaceInt(p, IntAt(lp, p) - delta);
  return count;
}

}  // namespace

bool StreamID::Incr() {
  if (seq != UINT64_MAX) {
    ++seq;
  } else if (ms != UINT64_MAX) {
    ++ms;
    seq = 0;
  } else {
    return false;
  }
  return true;
}

bool StreamID::Decr() {
  if (seq != 0) {
    --seq;
  } else if (ms != 0) {
    --ms;
    seq = UINT64_MAX;
  } else {
    return false;
  }
  return true;
}

std::string StreamID::ToString() const { return fmt::format("{}-{}", ms, seq); }

void StreamIndex::Append(StreamID id, std::span<const std::string_view> fv, size_t max_bytes,
                         int64_t max_entries) {
  int64_t nfields = static_cast<int64_t>(fv.size() / 2);
  size_t total = 0;
  for (std::string_view s : fv) total += s.size();
  Listpack* lp = nullptr;
  StreamID master = id;
  if (!nodes_.empty()) {
    auto& [m, last] = *nodes_.rbegin();
    size_t cap = (max_bytes == 0 || max_bytes > kListpackMaxSize) ? kListpackMaxSize : max_bytes;
    bool fresh = last.Bytes().size() + total >= cap;
    if (!fresh && max_entries > 0) {
      Pos p = last.First();
      fresh = IntAt(last, p) + IntAt(last, last.Next(p)) >= max_entries;
    }
    if (!fresh) {
      lp = &last;
      master = m;
    }
  }
  int64_t flags = 0;
  if (!lp) {
    lp = &nodes_.emplace_hint(nodes_.end(), id, Listpack())->second;
    lp->AppendInt(1);
    lp->AppendInt(0);
    lp->AppendInt(nfields);
    for (int64_t i = 0; i < nfields; ++i) lp->Append(fv[2 * i]);
    lp->AppendInt(0);
    flags = kFlagSameFields;
  } else {
    Master m = ReadMaster(*lp);
    if (m.nfields == nfields) {
      Pos p = m.fields;
      bool same = true;
      for (int64_t i = 0; i < nfields && same; ++i, p = lp->Next(p)) same = lp->Get(p).Equals(fv[2 * i]);
      if (same) flags = kFlagSameFields;
    }
    lp->ReplaceInt(lp->First(), m.count + 1);
  }
  lp->AppendInt(flags);
  lp->AppendInt(static_cast<int64_t>(id.ms - master.ms));
  lp->AppendInt(static_cast<int64_t>(id.seq - master.seq));
  if (flags & kFlagSameFields) {
    for (int64_t i = 0; i < nfields; ++i) lp->Append(fv[2 * i + 1]);
    lp->AppendInt(nfields + 3);
  } else {
    lp->AppendInt(nfields);
    for (std::string_view s : fv) lp->Append(s);
    lp->AppendInt(nfields * 2 + 4);
  }
  ++length_;
}

bool StreamIndex::Delete(StreamID id) {
  auto it = nodes_.upper_bound(id);
  if (it == nodes_.begin()) return false;
  --it;
  Listpack& lp = it->second;
  Master m = ReadMaster(lp);
  for (Pos p = m.first; p != Listpack::kNoPos;) {
    int64_t flags;
    StreamID eid;
    Pos next = lp.Next(EntryHead(lp, p, it->first, m.nfields, &flags, &eid));
    if (eid > id) return false;
    if (eid == id) {
      if (flags & kFlagDeleted) return false;
      lp.ReplaceInt(p, flags | kFlagDeleted);
      if (AdjustCounts(lp, -1) == 0) nodes_.erase(it);
      --length_;
      return true;
    }
    p = next;
  }
  return false;
}

int64_t StreamIndex::Trim(const TrimSpec& spec) {
  int64_t deleted = 0;
  auto it = nodes_.begin();
  while (it != nodes_.end()) {
    if (spec.by_maxlen && length_ <= spec.maxlen) break;
    Listpack& lp = it->second;
    Master m = ReadMaster(lp);
    if (spec.limit && deleted + m.count > spec.limit) break;
    bool whole;
    if (spec.by_maxlen) {
      whole = length_ - static_cast<uint64_t>(m.count) >= spec.maxlen;
    } else {
      // The node's last entry (live or not) decides.
      Pos last = lp.Last();
      Pos p = last;
      for (int64_t n = IntAt(lp, last); n > 0; --n) p = lp.Prev(p);
      int64_t flags;
      StreamID last_id;
      EntryHead(lp, p, it->first, m.nfields, &flags, &last_id);
      whole = last_id < spec.minid;
    }
    if (whole) {
      length_ -= static_cast<uint64_t>(m.count);
      deleted += m.count;
      it = nodes_.erase(it);
      continue;
    }
    if (spec.approx) break;
    int64_t removed = 0;
    for (Pos p = m.first; p != Listpack::kNoPos;) {
      int64_t flags;
      StreamID eid;
      Pos next = lp.Next(EntryHead(lp, p, it->first, m.nfields, &flags, &eid));
      if (spec.by_maxlen ? length_ <= spec.maxlen : eid >= spec.minid) break;
      if (!(flags & kFlagDeleted)) {
        lp.ReplaceInt(p, flags | kFlagDeleted);
        ++removed;
        --length_;
      }
      p = next;
    }
    AdjustCounts(lp, -removed);
    deleted += removed;
    break;
  }
  return deleted;
}

bool StreamIndex::FirstId(StreamID* out) const {
  StreamIterator it(*this, StreamID{}, StreamID::Max(), false);
  if (!it.Next()) return false;
  *out = it.id();
  return true;
}

bool StreamIndex::LastId(StreamID* out) const {
  StreamIterator it(*this, StreamID{}, StreamID::Max(), true);
  if (!it.Next()) return false;
  *out = it.id();
  return true;
}

void StreamIndex::AddNode(StreamID master, Listpack&& lp) {
  length_ += static_cast<uint64_t>(IntAt(lp, lp.First()));
  nodes_.emplace_hint(nodes_.end(), master, std::move(lp));
}

size_t StreamIndex::HeapBytes() const {
  // A std::map node: three pointers, color, key and the listpack handle.
  constexpr size_t kNodeOverhead = 32 + sizeof(StreamID) + sizeof(Listpack);
  size_t n = 0;
  for (const auto& [id, lp] : nodes_) n += kNodeOverhead + lp.Bytes().size();
  return n;
}

// ---- iteration ----

StreamIterator::StreamIterator(const StreamIndex& idx, StreamID start, StreamID end, bool rev, bool tombstones)
    : nodes_(&idx.nodes()), start_(start), end_(end), rev_(rev), tombstones_(tombstones) {
  it_ = nodes_->upper_bound(rev ? end : start);
  if (it_ != nodes_->begin()) {
    --it_;
  } else if (rev) {
    done_ = true;
    return;
  }
  EnterNode();
}

bool StreamIterator::EnterNode() {
  if (it_ == nodes_->end()) {
    done_ = true;
    return false;
  }
  lp_ = &it_->second;
  master_ = it_->first;
  Master m = ReadMaster(*lp_);
  master_fields_.clear();
  for (Pos p = m.fields; static_cast<int64_t>(master_fields_.size()) < m.nfields; p = lp_->Next(p))
    master_fields_.push_back(lp_->Get(p));
  first_ = m.first;
  pos_ = first_ == Listpack::kNoPos ? Listpack::kNoPos : (rev_ ? lp_->Last() : first_);
  return true;
}

Listpack::Pos StreamIterator::ReadEntry(Listpack::Pos p) {
  const Listpack& lp = *lp_;
  flags_ = IntAt(lp, p);
  p = lp.Next(p);
  id_.ms = master_.ms + static_cast<uint64_t>(IntAt(lp, p));
  p = lp.Next(p);
  id_.seq = master_.seq + static_cast<uint64_t>(IntAt(lp, p));
  p = lp.Next(p);
  fv_.clear();
  if (flags_ & StreamIndex::kFlagSameFields) {
    for (const LpValue& f : master_fields_) {
      fv_.push_back(f);
      fv_.push_back(lp.Get(p));
      p = lp.Next(p);
    }
  } else {
    int64_t n = IntAt(lp, p) * 2;
    p = lp.Next(p);
    for (int64_t i = 0; i < n; ++i, p = lp.Next(p)) fv_.push_back(lp.Get(p));
  }
  return lp.Next(p);  // past lp-count
}

bool StreamIterator::Next() {
  while (!done_) {
    if (pos_ == Listpack::kNoPos) {
      if (rev_) {
        if (it_ == nodes_->begin()) break;
        --it_;
      } else {
        ++it_;
      }
      if (!EnterNode()) break;
      continue;
    }
    if (!rev_) {
      pos_ = ReadEntry(pos_);
      if (id_ > end_) break;
      if (((flags_ & StreamIndex::kFlagDeleted) && !tombstones_) || id_ < start_) continue;
      return true;
    }
    Pos p = pos_;
    for (int64_t n = IntAt(*lp_, pos_); n > 0; --n) p = lp_->Prev(p);
    ReadEntry(p);
    pos_ = p == first_ ? Listpack::kNoPos : lp_->Prev(p);
    if (id_ < start_) break;
    if (((flags_ & StreamIndex::kFlagDeleted) && !tombstones_) || id_ > end_) continue;
    return true;
  }
  done_ = true;
  return false;
}

}  // namespace corvid
