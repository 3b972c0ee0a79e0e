// Quicklist: Redis 7.0's list representation, a doubly linked list of listpack nodes.
//
// Node fill follows list-max-listpack-size as Redis does: a negative fill -1..-5 caps each node's listpack at
// 4/8/16/32/64 KB, a positive fill caps the number of entries (and the bytes at 8 KB). A push goes into the end
// node while the estimate "node bytes + value length + 8" stays within the limit, else into a new node. An
// insertion in the middle of a full node goes into a neighbour with room, or splits the node and then tries to
// merge the pieces with their neighbours. Deletions never merge.
//
// list-compress-depth d > 0 keeps the d nodes at each end plain and stores the interior nodes LZF-compressed
// (when the listpack is at least 48 bytes and compression saves at least 8), exactly as Redis decides.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ds/listpack.h"

namespace corvid {

class Quicklist {
 public:
  enum class Where : uint8_t { kHead, kTail };

  static constexpr int kFillMax = (1 << 15) - 1;
  static constexpr int kCompressMax = (1 << 16) - 1;

  // fill is list-max-listpack-size (clamped to [-5, kFillMax]), compress is list-compress-depth (clamped to
  // [0, kCompressMax]); both are fixed for the life of the list, as in Redis.
  explicit Quicklist(int fill = -2, int compress = 0);
  ~Quicklist();
  Quicklist(const Quicklist&) = delete;
  Quicklist& operator=(const Quicklist&) = delete;

  // A deep copy (compressed nodes stay compressed).
  Quicklist* Clone() const;

  size_t Size() const { return count_; }
  bool Empty() const { return count_ == 0; }
  size_t NodeCount() const { return len_; }
  int fill() const { return fill_; }
  int compress_depth() const { return compress_; }

  // Adds value at the head or the tail.
  void Push(Where where, std::string_view value);

  // Calls fn(const LpValue&) with the element at `where`, then removes it. Returns false (without calling fn)
  // when the list is empty.
  template <typename F>
  bool Pop(Where where, F&& fn);

  // Calls fn(const LpValue&) for the elements from index (negative counts from the tail) towards the tail
  // (forward) or the head, until fn returns false or the list ends. Nothing when index is out of range.
  // The value only lives during the call. The list must not change during the walk.
  template <typename F>
  void Walk(int64_t index, bool forward, F&& fn) const;

  // Copies the element at index (negative from the tail) into *out; false when out of range.
  bool Index(int64_t index, std::string* out) const;
  // Replaces the element at index; false (and no change) when out of range.
  bool Replace(int64_t index, std::string_view value);
  // Inserts value before or after the element at index. REQUIRES: 0 <= index < Size().
  void Insert(int64_t index, bool after, std::string_view value);
  // Deletes up to count elements from start (negative from the tail) towards the tail; false if none.
  bool DelRange(int64_t start, int64_t count);
  // Deletes the elements equal to value, at most limit of them (0 = all), scanning from the head or from the
  // tail; returns how many were deleted.
  size_t RemoveEqual(std::string_view value, size_t limit, bool from_tail);

  // Appends a node holding lp as it is (RDB loading). REQUIRES: lp holds 1..65535 elements.
  void AppendListpack(Listpack lp);
  // Calls fn(const Listpack&) with each node's listpack, head to tail (compressed nodes are decompressed into
  // a scratch copy).
  template <typename F>
  void ForEachNode(F&& fn) const;

  struct Stats {
    size_t nodes = 0;
    size_t compressed_nodes = 0;
    size_t listpack_bytes = 0;  // sum of the nodes' uncompressed listpack sizes
  };
  Stats GetStats() const;
  // Heap bytes held (list header, nodes, listpacks or their compressed form).
  size_t HeapBytes() const { return sizeof(Quicklist) + NodesBytes(SIZE_MAX); }
  // Heap bytes of the first max_nodes nodes (node headers, listpacks or their compressed form).
  size_t NodesBytes(size_t max_nodes) const;
  // Elements per node, head to tail (tests).
  std::vector<size_t> NodeSizes() const;
  // Checks links, counts, sizes and the compression invariant; on failure describes it in *why (tests).
  bool Validate(std::string* why) const;

 private:
  struct Node;

  // A node's listpack: the node's own, or (compressed) decompressed into *scratch.
  static const Listpack& View(const Node* n, std::optional<Listpack>* scratch);
  // The node holding element index and the element's offset in it; nullptr when out of range.
  Node* Locate(int64_t index, uint32_t* offset) const;
  void PopFromNode(Node* n, Listpack::Pos pos);

  bool AllowInsert(const Node* n, size_t value_len) const;
  bool AllowMerge(const Node* a, const Node* b) const;
  Node* NewNode(Listpack lp);
  void FreeNode(Node* n);
  void LinkNode(Node* old_node, Node* new_node, bool after);
  void DelNode(Node* n);
  void InsertAt(Node* n, uint32_t offset, bool after, std::string_view value);
  Node* Split(Node* n, uint32_t offset, bool after);
  Node* Merge(Node* a, Node* b);
  void MergeAround(Node* center);

  // Compression (Redis' __quicklistCompressNode, __quicklistCompress and their wrappers).
  static bool CompressNode(Node* n);
  static void DecompressNode(Node* n, bool for_use);
  void CompressAround(Node* n);
  void Compress(Node* n);
  static void RecompressOnly(Node* n);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;   // elements
  uint32_t len_ = 0;   // nodes
  int16_t fill_;
  uint16_t compress_;
};

// One node: a listpack (or its LZF form) and its links.
struct Quicklist::Node {
  Node* prev = nullptr;
  Node* next = nullptr;
  union {
    Listpack lp;         // when !compressed
    unsigned char* lzf;  // when compressed: 4-byte length (host order), then the LZF bytes
  };
  uint32_t sz = 0;     // bytes of the (uncompressed) listpack
  uint16_t count = 0;  // elements
  uint8_t compressed : 1 = 0;
  uint8_t recompress : 1 = 0;     // decompressed for an operation; compress again afterwards
  uint8_t dont_compress : 1 = 0;

  explicit Node(Listpack l) : lp(std::move(l)) {}
  ~Node() {}
};

template <typename F>
bool Quicklist::Pop(Where where, F&& fn) {
  Node* n = where == Where::kHead ? head_ : tail_;
  if (!n) return false;
  // The end nodes are never compressed.
  Listpack::Pos pos = where == Where::kHead ? n->lp.First() : n->lp.Last();
  fn(n->lp.Get(pos));
  PopFromNode(n, pos);
  return true;
}

template <typename F>
void Quicklist::Walk(int64_t index, bool forward, F&& fn) const {
  uint32_t offset;
  Node* n = Locate(index, &offset);
  if (!n) return;
  std::optional<Listpack> scratch;
  const Listpack* lp = &View(n, &scratch);
  Listpack::Pos pos = lp->Seek(offset);
  for (;;) {
    if (!fn(lp->Get(pos))) return;
    pos = forward ? lp->Next(pos) : lp->Prev(pos);
    while (pos == Listpack::kNoPos) {
      n = forward ? n->next : n->prev;
      if (!n) return;
      lp = &View(n, &scratch);
      pos = forward ? lp->First() : lp->Last();
    }
  }
}

template <typename F>
void Quicklist::ForEachNode(F&& fn) const {
  std::optional<Listpack> scratch;
  for (const Node* n = head_; n; n = n->next) fn(View(n, &scratch));
}

}  // namespace corvid
