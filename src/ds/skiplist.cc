#include "ds/skiplist.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <unordered_map>
#include <utility>

namespace corvid {
namespace {

// xorshift64* over a per-thread state seeded once from the OS (never zero).
uint64_t NextRandom() {
  thread_local uint64_t state = ((uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()) | 1;
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1Dull;
}

using Node = SkipList::Node;

// True if `node` sorts before (score, member).
bool Before(const Node* node, double score, std::string_view member) {
  return node->Score() < score || (node->Score() == score && node->Member() < member);
}

// Compares two lex bounds as Redis' sdscmplex does, with "-" below and "+" above every string.
int CompareBounds(const LexBound& a, const LexBound& b) {
  using Kind = LexBound::Kind;
  const bool a_inf = a.kind == Kind::kMinusInf || a.kind == Kind::kPlusInf;
  if (a_inf && a.kind == b.kind) return 0;
  if (a.kind == Kind::kMinusInf || b.kind == Kind::kPlusInf) return -1;
  if (a.kind == Kind::kPlusInf || b.kind == Kind::kMinusInf) return 1;
  const int cmp = a.value.compare(b.value);
  return cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
}

// "-" and "+" count as exclusive bounds, as Redis parses them.
bool IsExclusive(const LexBound& b) { return b.kind != LexBound::Kind::kInclusive; }

}  // namespace

bool ScoreRange::IsEmpty() const { return min > max || (min == max && (min_exclusive || max_exclusive)); }

bool ScoreRange::ValueGteMin(double score) const { return min_exclusive ? score > min : score >= min; }

bool ScoreRange::ValueLteMax(double score) const { return max_exclusive ? score < max : score <= max; }

std::optional<LexRange> LexRange::Parse(std::string_view min, std::string_view max) {
  auto parse = [](std::string_view s, LexBound* out) {
    if (s.empty()) return false;
    switch (s[0]) {
      // Redis tests the byte after '+'/'-' against NUL, so "+\0..." also means "+".
      case '+':
      case '-':
        if (s.size() > 1 && s[1] != '\0') return false;
        out->kind = s[0] == '+' ? LexBound::Kind::kPlusInf : LexBound::Kind::kMinusInf;
        out->value = {};
        return true;
      case '(':
      case '[':
        out->kind = s[0] == '(' ? LexBound::Kind::kExclusive : LexBound::Kind::kInclusive;
        out->value = s.substr(1);
        return true;
      default:
        return false;
    }
  };
  LexRange range;
  if (!parse(min, &range.min) || !parse(max, &range.max)) return std::nullopt;
  return range;
}

bool LexRange::IsEmpty() const {
  const int cmp = CompareBounds(min, max);
  return cmp > 0 || (cmp == 0 && (IsExclusive(min) || IsExclusive(max)));
}

bool LexRange::ValueGteMin(std::string_view member) const {
  switch (min.kind) {
    case LexBound::Kind::kMinusInf: return true;
    case LexBound::Kind::kPlusInf: return false;
    case LexBound::Kind::kInclusive: return member >= min.value;
    case LexBound::Kind::kExclusive: return member > min.value;
  }
  return false;
}

bool LexRange::ValueLteMax(std::string_view member) const {
  switch (max.kind) {
    case LexBound::Kind::kMinusInf: return false;
    case LexBound::Kind::kPlusInf: return true;
    case LexBound::Kind::kInclusive: return member <= max.value;
    case LexBound::Kind::kExclusive: return member < max.value;
  }
  return false;
}

std::string_view SkipList::Node::Member() const {
  return {reinterpret_cast<const char*>(Levels() + level_), member_len_};
}

SkipList::Node* SkipList::NewNode(int level, double score, std::string_view member) {
  static_assert(sizeof(Node) % alignof(Node::Level) == 0, "the level array directly follows the node");
  const size_t bytes = sizeof(Node) + size_t(level) * sizeof(Node::Level) + member.size();
  void* mem = std::malloc(bytes);
  if (mem == nullptr) std::abort();
  Node* node = new (mem) Node(score, static_cast<uint32_t>(member.size()), static_cast<uint8_t>(level));
  Node::Level* levels = node->Levels();
  for (int i = 0; i < level; ++i) new (levels + i) Node::Level{nullptr, 0};
  if (!member.empty()) std::memcpy(levels + level, member.data(), member.size());
  return node;
}

// P(level > k) = 4^-k: each pair of trailing zero bits of a random word adds a level.
int SkipList::RandomLevel() { return std::min(1 + std::countr_zero(NextRandom()) / 2, kMaxLevel); }

SkipList::SkipList() : header_(NewNode(kMaxLevel, 0, {})) {}

SkipList::~SkipList() {
  if (header_ == nullptr) return;
  Node* x = header_->Levels()[0].forward;
  while (x != nullptr) {
    Node* next = x->Levels()[0].forward;
    std::free(x);
    x = next;
  }
  std::free(header_);
}

SkipList::SkipList(SkipList&& other) noexcept
    : header_(std::exchange(other.header_, nullptr)),
      tail_(std::exchange(other.tail_, nullptr)),
      length_(std::exchange(other.length_, 0)),
      level_(std::exchange(other.level_, 1)) {}

SkipList& SkipList::operator=(SkipList&& other) noexcept {
  SkipList old(std::move(other));
  std::swap(header_, old.header_);
  std::swap(tail_, old.tail_);
  std::swap(length_, old.length_);
  std::swap(level_, old.level_);
  return *this;
}

void SkipList::Link(Node* node) {
  Update update;
  uint64_t rank[kMaxLevel];
  const double score = node->score_;
  const std::string_view member = node->Member();
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (x->Levels()[i].forward != nullptr && Before(x->Levels()[i].forward, score, member)) {
      rank[i] += x->Levels()[i].span;
      x = x->Levels()[i].forward;
    }
    update[i] = x;
  }
  const int level = node->level_;
  if (level > level_) {
    for (int i = level_; i < level; ++i) {
      rank[i] = 0;
      update[i] = header_;
      header_->Levels()[i].span = length_;
    }
    level_ = level;
  }
  for (int i = 0; i < level; ++i) {
    Node::Level& mine = node->Levels()[i];
    Node::Level& before = update[i]->Levels()[i];
    mine.forward = before.forward;
    before.forward = node;
    mine.span = before.span - (rank[0] - rank[i]);
    before.span = rank[0] - rank[i] + 1;
  }
  for (int i = level; i < level_; ++i) ++update[i]->Levels()[i].span;
  node->backward_ = update[0] == header_ ? nullptr : update[0];
  Node* next = node->Levels()[0].forward;
  if (next != nullptr) {
    next->backward_ = node;
  } else {
    tail_ = node;
  }
  ++length_;
}

void SkipList::Unlink(Node* node, Update& update) {
  for (int i = 0; i < level_; ++i) {
    Node::Level& before = update[i]->Levels()[i];
    if (before.forward == node) {
      before.span += node->Levels()[i].span - 1;
      before.forward = node->Levels()[i].forward;
    } else {
      --before.span;
    }
  }
  Node* next = node->Levels()[0].forward;
  if (next != nullptr) {
    next->backward_ = node->backward_;
  } else {
    tail_ = node->backward_;
  }
  while (level_ > 1 && header_->Levels()[level_ - 1].forward == nullptr) --level_;
  --length_;
}

const SkipList::Node* SkipList::Insert(double score, std::string_view member) {
  Node* node = NewNode(RandomLevel(), score, member);
  Link(node);
  return node;
}

template <typename Advance>
SkipList::Node* SkipList::Descend(Advance advance, Update* update) const {
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->Levels()[i].forward != nullptr && advance(x->Levels()[i].forward)) x = x->Levels()[i].forward;
    if (update != nullptr) (*update)[i] = x;
  }
  return x;
}

bool SkipList::Delete(double score, std::string_view member) {
  Update update;
  Node* x = Descend([&](const Node* n) { return Before(n, score, member); }, &update)->Levels()[0].forward;
  if (x == nullptr || x->score_ != score || x->Member() != member) return false;
  Unlink(x, update);
  std::free(x);
  return true;
}

const SkipList::Node* SkipList::UpdateScore(double cur_score, std::string_view member, double new_score) {
  Update update;
  Node* x = Descend([&](const Node* n) { return Before(n, cur_score, member); }, &update)->Levels()[0].forward;
  // Still between its neighbours (strictly, so member order needs no look): change in place.
  const Node* next = x->Levels()[0].forward;
  if ((x->backward_ == nullptr || x->backward_->score_ < new_score) &&
      (next == nullptr || next->score_ > new_score)) {
    x->score_ = new_score;
    return x;
  }
  Unlink(x, update);
  x->score_ = new_score;
  Link(x);
  return x;
}

uint64_t SkipList::Rank(double score, std::string_view member) const {
  const Node* x = header_;
  uint64_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (true) {
      const Node* next = x->Levels()[i].forward;
      if (next == nullptr || !(next->score_ < score || (next->score_ == score && next->Member() <= member))) break;
      rank += x->Levels()[i].span;
      x = next;
    }
    if (x != header_ && x->score_ == score && x->Member() == member) return rank;
  }
  return 0;
}

const SkipList::Node* SkipList::GetByRank(uint64_t rank) const {
  if (rank == 0 || rank > length_) return nullptr;
  const Node* x = header_;
  uint64_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->Levels()[i].forward != nullptr && traversed + x->Levels()[i].span <= rank) {
      traversed += x->Levels()[i].span;
      x = x->Levels()[i].forward;
    }
    if (traversed == rank) return x;
  }
  return nullptr;
}

bool SkipList::IsInRange(const ScoreRange& range) const {
  return !range.IsEmpty() && tail_ != nullptr && range.ValueGteMin(tail_->score_) &&
         range.ValueLteMax(First()->score_);
}

bool SkipList::IsInLexRange(const LexRange& range) const {
  return !range.IsEmpty() && tail_ != nullptr && range.ValueGteMin(tail_->Member()) &&
         range.ValueLteMax(First()->Member());
}

const SkipList::Node* SkipList::FirstInRange(const ScoreRange& range) const {
  if (!IsInRange(range)) return nullptr;
  // Not null: the tail is >= min.
  const Node* x = Descend([&](const Node* n) { return !range.ValueGteMin(n->score_); }, nullptr)->Levels()[0].forward;
  return range.ValueLteMax(x->score_) ? x : nullptr;
}

const SkipList::Node* SkipList::LastInRange(const ScoreRange& range) const {
  if (!IsInRange(range)) return nullptr;
  // Not the header: the first node is <= max.
  const Node* x = Descend([&](const Node* n) { return range.ValueLteMax(n->score_); }, nullptr);
  return range.ValueGteMin(x->score_) ? x : nullptr;
}

const SkipList::Node* SkipList::FirstInLexRange(const LexRange& range) const {
  if (!IsInLexRange(range)) return nullptr;
  const Node* x = Descend([&](const Node* n) { return !range.ValueGteMin(n->Member()); }, nullptr)->Levels()[0].forward;
  return range.ValueLteMax(x->Member()) ? x : nullptr;
}

const SkipList::Node* SkipList::LastInLexRange(const LexRange& range) const {
  if (!IsInLexRange(range)) return nullptr;
  const Node* x = Descend([&](const Node* n) { return range.ValueLteMax(n->Member()); }, nullptr);
  return range.ValueGteMin(x->Member()) ? x : nullptr;
}

template <typename InRange>
uint64_t SkipList::DeleteFrom(Update& update, uint64_t limit, InRange in_range, const DeleteCallback& on_delete) {
  uint64_t removed = 0;
  Node* x = update[0]->Levels()[0].forward;
  // update[] stays right for each successor: the deleted node was the only one between them.
  while (x != nullptr && removed < limit && in_range(x)) {
    Node* next = x->Levels()[0].forward;
    Unlink(x, update);
    if (on_delete) on_delete(x->Member());
    std::free(x);
    ++removed;
    x = next;
  }
  return removed;
}

uint64_t SkipList::DeleteRangeByScore(const ScoreRange& range, const DeleteCallback& on_delete) {
  Update update;
  Descend([&](const Node* n) { return !range.ValueGteMin(n->score_); }, &update);
  return DeleteFrom(
      update, UINT64_MAX, [&range](const Node* n) { return range.ValueLteMax(n->score_); }, on_delete);
}

uint64_t SkipList::DeleteRangeByLex(const LexRange& range, const DeleteCallback& on_delete) {
  Update update;
  Descend([&](const Node* n) { return !range.ValueGteMin(n->Member()); }, &update);
  return DeleteFrom(
      update, UINT64_MAX, [&range](const Node* n) { return range.ValueLteMax(n->Member()); }, on_delete);
}

uint64_t SkipList::DeleteRangeByRank(uint64_t start, uint64_t end, const DeleteCallback& on_delete) {
  if (start == 0 || end < start) return 0;
  Update update;
  Node* x = header_;
  uint64_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->Levels()[i].forward != nullptr && traversed + x->Levels()[i].span < start) {
      traversed += x->Levels()[i].span;
      x = x->Levels()[i].forward;
    }
    update[i] = x;
  }
  return DeleteFrom(update, end - start + 1, [](const Node*) { return true; }, on_delete);
}

bool SkipList::CheckInvariants() const {
  std::unordered_map<const Node*, uint64_t> ranks;
  uint64_t nodes_at_level[kMaxLevel] = {};
  const Node* prev = nullptr;
  uint64_t rank = 0;
  for (const Node* x = First(); x != nullptr; x = x->Next()) {
    ++rank;
    ranks[x] = rank;
    if (x->backward_ != prev || x->level_ < 1 || x->level_ > level_) return false;
    if (prev != nullptr && !Before(prev, x->score_, x->Member())) return false;
    for (int i = 0; i < x->level_; ++i) ++nodes_at_level[i];
    prev = x;
  }
  if (rank != length_ || tail_ != prev) return false;
  if (level_ < 1 || level_ > kMaxLevel) return false;
  if (level_ > 1 && header_->Levels()[level_ - 1].forward == nullptr) return false;
  for (int i = 0; i < level_; ++i) {
    const Node* x = header_;
    uint64_t x_rank = 0;
    uint64_t seen = 0;
    while (true) {
      const Node::Level& l = x->Levels()[i];
      if (l.forward == nullptr) {
        // A link to past the tail spans the nodes after x.
        if (l.span != length_ - x_rank) return false;
        break;
      }
      const uint64_t next_rank = ranks[l.forward];
      if (next_rank <= x_rank || l.span != next_rank - x_rank || l.forward->level_ <= i) return false;
      x = l.forward;
      x_rank = next_rank;
      ++seen;
    }
    if (seen != nodes_at_level[i]) return false;
  }
  return true;
}

}  // namespace corvid
