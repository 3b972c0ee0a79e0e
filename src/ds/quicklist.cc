#include "ds/quicklist.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "ds/lzf.h"

namespace corvid {
namespace {

// Redis' limits (quicklist.c): the per-node byte caps of fills -1..-5, the byte cap of count-limited nodes,
// the per-insert size estimate, and when compressing a node is worth it.
constexpr size_t kOptimizationLevel[] = {4096, 8192, 16384, 32768, 65536};
constexpr size_t kSizeSafetyLimit = 8192;
constexpr size_t kSizeEstimateOverhead = 8;
constexpr size_t kMergeOverhead = 11;
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressImprove = 8;
constexpr size_t kLargeElement = size_t{1} << 30;

bool SizeMeetsOptimization(size_t sz, int fill) {
  if (fill >= 0) return false;
  size_t level = static_cast<size_t>(-fill) - 1;
  return level < std::size(kOptimizationLevel) && sz <= kOptimizationLevel[level];
}

// A listpack made of the entry bytes in parts (already encoded entries), holding count elements.
Listpack BuildListpack(std::string_view a, std::string_view b, uint32_t count) {
  size_t total = 6 + a.size() + b.size() + 1;
  std::string bytes(total, '\0');
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>((total >> (8 * i)) & 0xFF);
  uint32_t header_count = count < 65535 ? count : 65535;
  bytes[4] = static_cast<char>(header_count & 0xFF);
  bytes[5] = static_cast<char>(header_count >> 8);
  if (!a.empty()) std::memcpy(bytes.data() + 6, a.data(), a.size());
  if (!b.empty()) std::memcpy(bytes.data() + 6 + a.size(), b.data(), b.size());
  bytes[total - 1] = static_cast<char>(0xFF);
  return Listpack::FromBytes(bytes);
}

// The entry bytes of lp from byte position from (an element or the terminator) up to to.
std::string_view Entries(const Listpack& lp, size_t from, size_t to) { return lp.Bytes().substr(from, to - from); }

// Byte position of element i, or of the terminator when i == Size().
size_t EntryOffset(const Listpack& lp, uint32_t i) {
  Listpack::Pos p = lp.Seek(i);
  return p == Listpack::kNoPos ? lp.Bytes().size() - 1 : p;
}

std::vector<unsigned char>& CodecBuffer() {
  thread_local std::vector<unsigned char> buf;
  return buf;
}

// The listpack bytes of a compressed node's blob, decompressed into the codec buffer.
std::string_view Inflate(const unsigned char* lzf, uint32_t sz) {
  uint32_t clen;
  std::memcpy(&clen, lzf, sizeof(clen));
  std::vector<unsigned char>& buf = CodecBuffer();
  if (buf.size() < sz) buf.resize(sz);
  if (LzfDecompress(lzf + sizeof(clen), clen, buf.data(), sz) != sz) std::abort();  // our own bytes: never
  return {reinterpret_cast<const char*>(buf.data()), sz};
}

uint32_t LzfBlobSize(const unsigned char* lzf) {
  uint32_t clen;
  std::memcpy(&clen, lzf, sizeof(clen));
  return static_cast<uint32_t>(sizeof(clen)) + clen;
}

}  // namespace

Quicklist::Quicklist(int fill, int compress)
    : fill_(static_cast<int16_t>(std::clamp(fill, -5, kFillMax))),
      compress_(static_cast<uint16_t>(std::clamp(compress, 0, kCompressMax))) {}

Quicklist::~Quicklist() {
  for (Node* n = head_; n;) {
    Node* next = n->next;
    FreeNode(n);
    n = next;
  }
}

Quicklist* Quicklist::Clone() const {
  auto* copy = new Quicklist(fill_, compress_);
  for (const Node* n = head_; n; n = n->next) {
    Node* c;
    if (n->compressed) {
      c = new Node(Listpack());
      c->lp.~Listpack();
      uint32_t blob = LzfBlobSize(n->lzf);
      c->lzf = static_cast<unsigned char*>(std::malloc(blob));
      if (!c->lzf) std::abort();
      std::memcpy(c->lzf, n->lzf, blob);
      c->compressed = 1;
    } else {
      c = new Node(Listpack::FromBytes(n->lp.Bytes()));
    }
    c->sz = n->sz;
    c->count = n->count;
    c->prev = copy->tail_;
    if (copy->tail_)
      copy->tail_->next = c;
    else
      copy->head_ = c;
    copy->tail_ = c;
    ++copy->len_;
  }
  copy->count_ = count_;
  return copy;
}

// ---- nodes ----

Quicklist::Node* Quicklist::NewNode(Listpack lp) {
  Node* n = new Node(std::move(lp));
  n->sz = static_cast<uint32_t>(n->lp.Bytes().size());
  n->count = static_cast<uint16_t>(n->lp.Size());
  return n;
}

void Quicklist::FreeNode(Node* n) {
  if (n->compressed)
    std::free(n->lzf);
  else
    n->lp.~Listpack();
  delete n;
}

const Listpack& Quicklist::View(const Node* n, std::optional<Listpack>* scratch) {
  if (!n->compressed) return n->lp;
  scratch->emplace(Listpack::FromBytes(Inflate(n->lzf, n->sz)));
  return **scratch;
}

Quicklist::Node* Quicklist::Locate(int64_t index, uint32_t* offset) const {
  uint64_t abs;
  if (index >= 0) {
    abs = static_cast<uint64_t>(index);
    if (abs >= count_) return nullptr;
  } else {
    uint64_t back = static_cast<uint64_t>(-(index + 1));  // 0 = last element
    if (back >= count_) return nullptr;
    abs = count_ - 1 - back;
  }
  if (abs <= (count_ - 1) / 2) {
    uint64_t accum = 0;
    for (Node* n = head_; n; n = n->next) {
      if (accum + n->count > abs) {
        *offset = static_cast<uint32_t>(abs - accum);
        return n;
      }
      accum += n->count;
    }
  } else {
    uint64_t accum = count_;  // elements before the end of the node being looked at
    for (Node* n = tail_; n; n = n->prev) {
      accum -= n->count;
      if (accum <= abs) {
        *offset = static_cast<uint32_t>(abs - accum);
        return n;
      }
    }
  }
  return nullptr;
}

bool Quicklist::AllowInsert(const Node* n, size_t value_len) const {
  if (!n || value_len >= kLargeElement) return false;
  size_t new_sz = n->sz + value_len + kSizeEstimateOverhead;
  if (SizeMeetsOptimization(new_sz, fill_)) return true;
  if (new_sz > kSizeSafetyLimit) return false;
  return static_cast<int>(n->count) < fill_;
}

bool Quicklist::AllowMerge(const Node* a, const Node* b) const {
  if (!a || !b) return false;
  size_t merge_sz = size_t{a->sz} + b->sz - kMergeOverhead;
  if (SizeMeetsOptimization(merge_sz, fill_)) return true;
  if (merge_sz > kSizeSafetyLimit) return false;
  return static_cast<int>(a->count) + b->count <= fill_;
}

void Quicklist::LinkNode(Node* old_node, Node* new_node, bool after) {
  if (after) {
    new_node->prev = old_node;
    if (old_node) {
      new_node->next = old_node->next;
      if (old_node->next) old_node->next->prev = new_node;
      old_node->next = new_node;
    }
    if (tail_ == old_node) tail_ = new_node;
  } else {
    new_node->next = old_node;
    if (old_node) {
      new_node->prev = old_node->prev;
      if (old_node->prev) old_node->prev->next = new_node;
      old_node->prev = new_node;
    }
    if (head_ == old_node) head_ = new_node;
  }
  if (len_ == 0) head_ = tail_ = new_node;
  ++len_;
  if (old_node) Compress(old_node);
  Compress(new_node);
}

void Quicklist::DelNode(Node* n) {
  if (n->next) n->next->prev = n->prev;
  if (n->prev) n->prev->next = n->next;
  if (n == tail_) tail_ = n->prev;
  if (n == head_) head_ = n->next;
  --len_;
  count_ -= n->count;
  CompressAround(nullptr);  // nodes that moved into the plain ends get decompressed
  FreeNode(n);
}

void Quicklist::PopFromNode(Node* n, Listpack::Pos pos) {
  n->lp.Delete(pos, 1);
  if (--n->count == 0) {
    DelNode(n);
  } else {
    n->sz = static_cast<uint32_t>(n->lp.Bytes().size());
  }
  --count_;
}

// ---- compression ----

bool Quicklist::CompressNode(Node* n) {
  if (n->dont_compress || !n->prev || !n->next) return false;  // the ends stay plain
  n->recompress = 0;
  if (n->sz < kMinCompressBytes) return false;
  std::vector<unsigned char>& buf = CodecBuffer();
  if (buf.size() < n->sz) buf.resize(n->sz);
  std::string_view bytes = n->lp.Bytes();
  size_t clen = LzfCompress(bytes.data(), bytes.size(), buf.data(), n->sz);
  if (clen == 0 || clen + kMinCompressImprove >= n->sz) return false;
  auto* blob = static_cast<unsigned char*>(std::malloc(sizeof(uint32_t) + clen));
  if (!blob) std::abort();
  uint32_t c32 = static_cast<uint32_t>(clen);
  std::memcpy(blob, &c32, sizeof(c32));
  std::memcpy(blob + sizeof(c32), buf.data(), clen);
  n->lp.~Listpack();
  n->lzf = blob;
  n->compressed = 1;
  return true;
}

void Quicklist::DecompressNode(Node* n, bool for_use) {
  if (!n || !n->compressed) return;
  unsigned char* blob = n->lzf;
  new (&n->lp) Listpack(Listpack::FromBytes(Inflate(blob, n->sz)));
  std::free(blob);
  n->compressed = 0;
  n->recompress = for_use ? 1 : 0;
}

// Redis' __quicklistCompress: the `compress_` nodes at each end are made plain, the first node past them on
// each side is compressed, and so is n when it lies in the compressed interior.
void Quicklist::CompressAround(Node* n) {
  if (len_ == 0 || compress_ == 0 || len_ < uint32_t{compress_} * 2) return;
  Node* forward = head_;
  Node* reverse = tail_;
  bool in_depth = false;
  for (int depth = 0; depth < compress_; ++depth) {
    DecompressNode(forward, false);
    DecompressNode(reverse, false);
    if (forward == n || reverse == n) in_depth = true;
    if (forward == reverse || forward->next == reverse) return;
    forward = forward->next;
    reverse = reverse->prev;
  }
  if (!in_depth && n && !n->compressed) CompressNode(n);
  if (!forward->compressed) CompressNode(forward);
  if (!reverse->compressed) CompressNode(reverse);
}

void Quicklist::Compress(Node* n) {
  if (n->recompress) {
    if (!n->compressed) CompressNode(n);
  } else {
    CompressAround(n);
  }
}

void Quicklist::RecompressOnly(Node* n) {
  if (n->recompress && !n->compressed) CompressNode(n);
}

// ---- operations ----

void Quicklist::Push(Where where, std::string_view value) {
  bool head = where == Where::kHead;
  Node* end = head ? head_ : tail_;
  if (AllowInsert(end, value.size())) {
    if (head)
      end->lp.Prepend(value);
    else
      end->lp.Append(value);
    end->sz = static_cast<uint32_t>(end->lp.Bytes().size());
    ++end->count;
  } else {
    Listpack lp;
    lp.Append(value);
    LinkNode(end, NewNode(std::move(lp)), !head);
  }
  ++count_;
}

bool Quicklist::Index(int64_t index, std::string* out) const {
  uint32_t offset;
  Node* n = Locate(index, &offset);
  if (!n) return false;
  std::optional<Listpack> scratch;
  const Listpack& lp = View(n, &scratch);
  char buf[LpValue::kIntBufSize];
  out->assign(lp.Get(lp.Seek(offset)).AsString(buf));
  return true;
}

bool Quicklist::Replace(int64_t index, std::string_view value) {
  uint32_t offset;
  Node* n = Locate(index, &offset);
  if (!n) return false;
  DecompressNode(n, true);
  n->lp.Replace(n->lp.Seek(offset), value);
  n->sz = static_cast<uint32_t>(n->lp.Bytes().size());
  Compress(n);
  return true;
}

void Quicklist::Insert(int64_t index, bool after, std::string_view value) {
  uint32_t offset;
  Node* n = Locate(index, &offset);
  if (!n) return;
  DecompressNode(n, true);
  InsertAt(n, offset, after, value);
}

// Redis' _quicklistInsert with the entry at offset of n (n plain, marked for recompression).
void Quicklist::InsertAt(Node* n, uint32_t offset, bool after, std::string_view value) {
  bool full = !AllowInsert(n, value.size());
  bool at_tail = after && offset + 1u == n->count;
  bool at_head = !after && offset == 0;
  bool avail_next = at_tail && AllowInsert(n->next, value.size());
  bool avail_prev = at_head && AllowInsert(n->prev, value.size());

  auto grow = [](Node* t) {
    ++t->count;
    t->sz = static_cast<uint32_t>(t->lp.Bytes().size());
  };
  if (!full) {
    n->lp.Insert(n->lp.Seek(offset), after ? Listpack::Where::kAfter : Listpack::Where::kBefore, value);
    grow(n);
    RecompressOnly(n);
  } else if (avail_next || avail_prev) {
    // The neighbour on the insertion side has room: the value becomes its first (next) or last (prev) entry.
    Node* t = avail_next ? n->next : n->prev;
    DecompressNode(t, true);
    if (avail_next)
      t->lp.Prepend(value);
    else
      t->lp.Append(value);
    grow(t);
    RecompressOnly(t);
    RecompressOnly(n);
  } else if (at_tail || at_head) {
    Listpack lp;
    lp.Append(value);
    LinkNode(n, NewNode(std::move(lp)), after);
  } else {
    Node* t = Split(n, offset, after);
    if (after)
      t->lp.Prepend(value);
    else
      t->lp.Append(value);
    grow(t);
    LinkNode(n, t, after);
    MergeAround(n);
  }
  ++count_;
}

// Splits n at offset: with after, n keeps [0, offset] and the returned node gets the rest; without, the
// returned node gets [0, offset) and n keeps the rest. The returned node is not linked yet.
Quicklist::Node* Quicklist::Split(Node* n, uint32_t offset, bool after) {
  uint32_t cut = after ? offset + 1 : offset;  // first element of the right part
  size_t first = EntryOffset(n->lp, 0), mid = EntryOffset(n->lp, cut), end = n->lp.Bytes().size() - 1;
  Listpack left = BuildListpack(Entries(n->lp, first, mid), {}, cut);
  Listpack right = BuildListpack(Entries(n->lp, mid, end), {}, n->count - cut);
  Node* t = NewNode(after ? std::move(right) : std::move(left));
  n->lp = after ? std::move(left) : std::move(right);
  n->count = static_cast<uint16_t>(n->lp.Size());
  n->sz = static_cast<uint32_t>(n->lp.Bytes().size());
  return t;
}

// Merges b (right of a) into one node, keeping the node with the larger listpack as Redis' lpMerge does;
// returns the kept node.
Quicklist::Node* Quicklist::Merge(Node* a, Node* b) {
  DecompressNode(a, false);
  DecompressNode(b, false);
  Node* keep = a->sz >= b->sz ? a : b;
  Node* drop = keep == a ? b : a;
  size_t a_end = a->lp.Bytes().size() - 1, b_end = b->lp.Bytes().size() - 1;
  keep->lp = BuildListpack(Entries(a->lp, 6, a_end), Entries(b->lp, 6, b_end), uint32_t{a->count} + b->count);
  keep->count = static_cast<uint16_t>(a->count + b->count);
  keep->sz = static_cast<uint32_t>(keep->lp.Bytes().size());
  drop->count = 0;
  DelNode(drop);
  Compress(keep);
  return keep;
}

void Quicklist::MergeAround(Node* center) {
  Node* prev = center->prev;
  Node* prev_prev = prev ? prev->prev : nullptr;
  Node* next = center->next;
  Node* next_next = next ? next->next : nullptr;
  if (AllowMerge(prev, prev_prev)) Merge(prev_prev, prev);
  if (AllowMerge(next, next_next)) Merge(next, next_next);
  Node* target = center;
  if (AllowMerge(center, center->prev)) target = Merge(center->prev, center);
  if (AllowMerge(target, target->next)) Merge(target, target->next);
}

bool Quicklist::DelRange(int64_t start, int64_t count) {
  if (count <= 0) return false;
  uint64_t extent = static_cast<uint64_t>(count);
  if (start >= 0) {
    if (static_cast<uint64_t>(start) < count_) extent = std::min<uint64_t>(extent, count_ - start);
  } else {
    extent = std::min<uint64_t>(extent, 0 - static_cast<uint64_t>(start));
  }
  uint32_t offset;
  Node* n = Locate(start, &offset);
  if (!n) return false;
  while (extent && n) {
    Node* next = n->next;
    uint64_t del;
    if (offset == 0 && extent >= n->count) {
      del = n->count;
      DelNode(n);
    } else {
      del = std::min<uint64_t>(n->count - offset, extent);
      DecompressNode(n, true);
      n->lp.Delete(n->lp.Seek(offset), static_cast<uint32_t>(del));
      n->sz = static_cast<uint32_t>(n->lp.Bytes().size());
      n->count = static_cast<uint16_t>(n->count - del);
      count_ -= del;
      if (n->count == 0)
        DelNode(n);
      else
        RecompressOnly(n);
    }
    extent -= del;
    n = next;
    offset = 0;
  }
  return true;
}

size_t Quicklist::RemoveEqual(std::string_view value, size_t limit, bool from_tail) {
  size_t removed = 0;
  Node* n = from_tail ? tail_ : head_;
  while (n) {
    Node* following = from_tail ? n->prev : n->next;
    DecompressNode(n, true);
    Listpack& lp = n->lp;
    Listpack::Pos pos = from_tail ? lp.Last() : lp.First();
    bool done = false;
    while (pos != Listpack::kNoPos) {
      if (!lp.Get(pos).Equals(value)) {
        pos = from_tail ? lp.Prev(pos) : lp.Next(pos);
        continue;
      }
      if (from_tail) {
        Listpack::Pos before = lp.Prev(pos);  // positions before pos survive the deletion
        lp.Delete(pos, 1);
        pos = before;
      } else {
        pos = lp.Delete(pos, 1);
      }
      --n->count;
      --count_;
      ++removed;
      if (limit && removed == limit) {
        done = true;
        break;
      }
    }
    if (n->count == 0) {
      DelNode(n);
      if (done && following) Compress(following);
    } else {
      n->sz = static_cast<uint32_t>(lp.Bytes().size());
      Compress(n);
    }
    if (done) break;
    n = following;
  }
  return removed;
}

void Quicklist::AppendListpack(Listpack lp) {
  Node* n = NewNode(std::move(lp));
  size_t added = n->count;
  LinkNode(tail_, n, true);
  count_ += added;
}

// ---- introspection ----

Quicklist::Stats Quicklist::GetStats() const {
  Stats s;
  for (const Node* n = head_; n; n = n->next) {
    ++s.nodes;
    s.compressed_nodes += n->compressed;
    s.listpack_bytes += n->sz;
  }
  return s;
}

size_t Quicklist::NodesBytes(size_t max_nodes) const {
  size_t bytes = 0, seen = 0;
  for (const Node* n = head_; n && seen < max_nodes; n = n->next, ++seen)
    bytes += sizeof(Node) + (n->compressed ? LzfBlobSize(n->lzf) : n->sz);
  return bytes;
}

std::vector<size_t> Quicklist::NodeSizes() const {
  std::vector<size_t> out;
  for (const Node* n = head_; n; n = n->next) out.push_back(n->count);
  return out;
}

bool Quicklist::Validate(std::string* why) const {
  auto fail = [&](std::string msg) {
    *why = std::move(msg);
    return false;
  };
  size_t total = 0, nodes = 0;
  const Node* prev = nullptr;
  for (const Node* n = head_; n; prev = n, n = n->next) {
    if (n->prev != prev) return fail("broken prev link at node " + std::to_string(nodes));
    if (n->count == 0) return fail("empty node " + std::to_string(nodes));
    std::optional<Listpack> scratch;
    const Listpack& lp = View(n, &scratch);
    if (lp.Size() != n->count) return fail("node count differs from its listpack at node " + std::to_string(nodes));
    if (lp.Bytes().size() != n->sz) return fail("node sz differs from its listpack at node " + std::to_string(nodes));
    if (!Listpack::Validate(lp.Bytes(), true)) return fail("invalid listpack at node " + std::to_string(nodes));
    if (n->compressed && (!n->prev || !n->next)) return fail("compressed end node");
    total += n->count;
    ++nodes;
  }
  if (prev != tail_) return fail("tail is not the last node");
  if (nodes != len_) return fail("node count " + std::to_string(nodes) + " != len " + std::to_string(len_));
  if (total != count_) return fail("element count " + std::to_string(total) + " != " + std::to_string(count_));
  if (compress_ > 0) {
    // The compress_ nodes at each end are plain.
    const Node* f = head_;
    const Node* r = tail_;
    for (int d = 0; d < compress_ && f && r; ++d, f = f->next, r = r->prev)
      if (f->compressed || r->compressed) return fail("compressed node within the plain depth");
  }
  return true;
}

}  // namespace corvid
