// The entries of a stream in ID order, packed as Redis 7.0 packs them: listpack nodes keyed by their master ID.
//
// Node layout (byte for byte Redis' t_stream.c layout, so RDB can store the listpacks as they are):
//   master entry: <count> <deleted> <num-fields> <field>... <0>
//   each entry:   <flags> <ms-delta> <seq-delta> [<num-fields> <field> <value>...] | [<value>...] <lp-count>
// flags: kFlagDeleted (tombstone), kFlagSameFields (the entry has exactly the master fields, only values
// stored). Deltas are against the node's master ID (the ID of the first entry ever appended to the node);
// lp-count is the number of elements of the entry before it, for walking backwards. A node with no live entry
// is removed. Seek is O(log nodes) in a std::map plus a scan of one node (at most stream-node-max-entries).
#pragma once
#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ds/listpack.h"

namespace corvid {

struct StreamID {
  uint64_t ms = 0, seq = 0;
  auto operator<=>(const StreamID&) const = default;
  bool IsZero() const { return ms == 0 && seq == 0; }
  static constexpr StreamID Max() { return {UINT64_MAX, UINT64_MAX}; }
  // The next / previous ID; false (id unchanged) at Max() / {0,0}.
  bool Incr();
  bool Decr();
  // "<ms>-<seq>".
  std::string ToString() const;
};

class StreamIndex {
 public:
  static constexpr int64_t kFlagDeleted = 1, kFlagSameFields = 2;
  // Redis' STREAM_LISTPACK_MAX_SIZE: the node size cap when stream-node-max-bytes is 0 or larger.
  static constexpr size_t kListpackMaxSize = size_t{1} << 30;
  using NodeMap = std::map<StreamID, Listpack>;

  StreamIndex() = default;
  StreamIndex(StreamIndex&&) = default;
  StreamIndex& operator=(StreamIndex&&) = default;

  // Number of live (not deleted) entries.
  uint64_t size() const { return length_; }

  // Appends an entry. fv alternates field, value (an even, non-zero count). Opens a new node when the last one
  // has max_bytes or more (0 = no limit below kListpackMaxSize) or max_entries (0 = no limit) entries
  // counting tombstones, as Redis does. REQUIRES: id greater than every ID ever appended.
  void Append(StreamID id, std::span<const std::string_view> fv, size_t max_bytes, int64_t max_entries);

  // Marks the entry id deleted (removing its node when it held the last live entry); false if absent.
  bool Delete(StreamID id);

  struct TrimSpec {
    bool by_maxlen = true;
    uint64_t maxlen = 0;  // when by_maxlen
    StreamID minid;       // when !by_maxlen: entries below it go
    bool approx = false;  // only whole nodes
    int64_t limit = 0;    // at most this many entries when approx (0 = no limit)
  };
  // Removes entries from the head as Redis' streamTrim: whole nodes while they fit, then (unless approx)
  // tombstones inside the first remaining node. Returns the number of entries removed.
  int64_t Trim(const TrimSpec& spec);

  // The first / last live entry's ID; false when empty.
  bool FirstId(StreamID* out) const;
  bool LastId(StreamID* out) const;

  // The nodes, for RDB: master ID → listpack bytes.
  const NodeMap& nodes() const { return nodes_; }
  // Adds a node loaded from RDB. REQUIRES: master greater than every node's, lp a valid stream node.
  void AddNode(StreamID master, Listpack&& lp);

  // Heap bytes of the nodes (MEMORY USAGE).
  size_t HeapBytes() const;

 private:
  NodeMap nodes_;
  uint64_t length_ = 0;
};

// Walks the live entries with start <= ID <= end, forward or backward (with tombstones: deleted ones too, whose
// fields are not read). The index must not change while an iterator is in use.
class StreamIterator {
 public:
  StreamIterator(const StreamIndex& idx, StreamID start, StreamID end, bool rev, bool tombstones = false);
  // Moves to the next entry in range; false when there is none.
  bool Next();
  StreamID id() const { return id_; }
  size_t num_fields() const { return fv_.size() / 2; }
  const LpValue& field(size_t i) const { return fv_[2 * i]; }
  const LpValue& value(size_t i) const { return fv_[2 * i + 1]; }
  // field, value, field, value... of the entry.
  std::span<const LpValue> fields_values() const { return fv_; }

 private:
  // Positions the walk inside node it_; false if it_ is the end.
  bool EnterNode();
  // Reads the entry whose flags are at p into id_, flags_ and (if live) fv_; returns the position after its
  // lp-count.
  Listpack::Pos ReadEntry(Listpack::Pos p);

  const StreamIndex::NodeMap* nodes_;
  StreamIndex::NodeMap::const_iterator it_;
  StreamID start_, end_;
  bool rev_, tombstones_;
  bool done_ = false;
  const Listpack* lp_ = nullptr;
  Listpack::Pos pos_ = Listpack::kNoPos;    // the next entry's flags (forward) or lp-count (backward)
  Listpack::Pos first_ = Listpack::kNoPos;  // the node's first entry
  StreamID master_;
  std::vector<LpValue> master_fields_;
  std::vector<LpValue> fv_;
  StreamID id_;
  int64_t flags_ = 0;
};

}  // namespace corvid
