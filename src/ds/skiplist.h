// Skip list for sorted sets, with Redis' zskiplist semantics.
//
// Nodes are ordered by (score, member bytes); every forward link carries a span (how many level-0
// steps it skips), so ranks are found in O(log N). Levels are drawn with p = 1/4, at most 32.
// Each node is one allocation: header, level array, then the member bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace corvid {

// A score interval as ZRANGEBYSCORE takes it; bounds may be infinite.
struct ScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;

  // Returns true if no score can lie in the range (min > max, or min == max with an open end).
  bool IsEmpty() const;
  // Returns true if `score` is above the lower bound / below the upper bound.
  bool ValueGteMin(double score) const;
  bool ValueLteMax(double score) const;
};

// One end of a lexicographic range: "[a" (inclusive), "(a" (exclusive), "-" or "+".
struct LexBound {
  enum class Kind : uint8_t { kInclusive, kExclusive, kMinusInf, kPlusInf };
  Kind kind = Kind::kMinusInf;
  std::string_view value;  // for kInclusive / kExclusive; views the parsed argument
};

// A member interval as ZRANGEBYLEX takes it. Members compare as bytes (memcmp, then length).
struct LexRange {
  LexBound min;
  LexBound max;

  // Parses Redis' lex bounds; returns nullopt if either is not "-", "+", "[..." or "(...".
  // The result views `min` and `max`.
  static std::optional<LexRange> Parse(std::string_view min, std::string_view max);

  // Returns true if no member can lie in the range (Redis' zslIsInLexRange empty test).
  bool IsEmpty() const;
  // Returns true if `member` is above the lower bound / below the upper bound.
  bool ValueGteMin(std::string_view member) const;
  bool ValueLteMax(std::string_view member) const;
};

class SkipList {
 public:
  // Redis' ZSKIPLIST_MAXLEVEL.
  static constexpr int kMaxLevel = 32;

  class Node {
   public:
    // The node's score.
    double Score() const { return score_; }
    // The member's bytes, stored in the node; valid until the node is deleted.
    std::string_view Member() const;
    // The following / preceding node in order, or nullptr at the ends.
    const Node* Next() const { return Levels()[0].forward; }
    const Node* Prev() const { return backward_; }

   private:
    friend class SkipList;
    struct Level {
      Node* forward;
      uint64_t span;  // level-0 steps to `forward`; when it is null, the number of nodes after this one
    };

    Node(double score, uint32_t member_len, uint8_t level)
        : score_(score), backward_(nullptr), member_len_(member_len), level_(level) {}
    Level* Levels() { return reinterpret_cast<Level*>(this + 1); }
    const Level* Levels() const { return reinterpret_cast<const Level*>(this + 1); }

    double score_;
    Node* backward_;
    uint32_t member_len_;
    uint8_t level_;
  };

  // Called with each member removed by a DeleteRange*; the view is valid during the call only.
  using DeleteCallback = std::function<void(std::string_view member)>;

  SkipList();
  ~SkipList();
  // A moved-from skip list may only be destroyed or assigned to.
  SkipList(SkipList&& other) noexcept;
  SkipList& operator=(SkipList&& other) noexcept;
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  // Returns the number of nodes.
  uint64_t Size() const { return length_; }

  // The lowest / highest node, or nullptr when empty.
  const Node* First() const { return header_->Levels()[0].forward; }
  const Node* Last() const { return tail_; }

  // Inserts a node and returns it.
  // REQUIRES: `member` is not in the list; `score` is not NaN; member.size() < 2^32.
  const Node* Insert(double score, std::string_view member);

  // Deletes the node (score, member); returns false if there is none.
  bool Delete(double score, std::string_view member);

  // Changes the score of (cur_score, member) to new_score and returns its node, which is the same
  // node as before (so Member() views stay valid): updated in place when its position does not
  // change, relinked otherwise.
  // REQUIRES: (cur_score, member) is in the list; new_score is not NaN.
  const Node* UpdateScore(double cur_score, std::string_view member, double new_score);

  // Returns the 1-based rank of (score, member), or 0 if it is not in the list.
  uint64_t Rank(double score, std::string_view member) const;

  // Returns the node at 1-based `rank`, or nullptr if rank is 0 or past the end.
  const Node* GetByRank(uint64_t rank) const;

  // Returns the first / last node whose score is in `range`, or nullptr.
  const Node* FirstInRange(const ScoreRange& range) const;
  const Node* LastInRange(const ScoreRange& range) const;

  // Returns the first / last node whose member is in `range`, or nullptr. Meaningful when all
  // scores are equal, as for ZRANGEBYLEX.
  const Node* FirstInLexRange(const LexRange& range) const;
  const Node* LastInLexRange(const LexRange& range) const;

  // Delete every node in the range, calling `on_delete` (if set) with each member before it is
  // freed; return how many were deleted. Ranks are 1-based and inclusive; `end` may pass the tail.
  uint64_t DeleteRangeByScore(const ScoreRange& range, const DeleteCallback& on_delete);
  uint64_t DeleteRangeByLex(const LexRange& range, const DeleteCallback& on_delete);
  uint64_t DeleteRangeByRank(uint64_t start, uint64_t end, const DeleteCallback& on_delete);

  // Returns true if every structural invariant holds: order, backward links, tail, length, and
  // every span equal to the rank difference it covers. For tests and debugging; O(N * levels).
  bool CheckInvariants() const;

 private:
  using Update = Node* [kMaxLevel];

  static Node* NewNode(int level, double score, std::string_view member);
  static int RandomLevel();
  // Walks down from the top level, moving right while `advance(next node)` holds (it must hold
  // for a prefix of the list); returns the last node reached (the header if none). Fills
  // `*update` (if set) with the last node reached on each level.
  template <typename Advance>
  Node* Descend(Advance advance, Update* update) const;
  bool IsInRange(const ScoreRange& range) const;
  bool IsInLexRange(const LexRange& range) const;
  // Links `node` (whose level is already set) at its (score, member) position.
  void Link(Node* node);
  // Unlinks `node`; update[i] is the last node before it on level i.
  void Unlink(Node* node, Update& update);
  // Unlinks and frees the nodes from update[0]'s successor on while `in_range` holds for them,
  // at most `limit` of them.
  template <typename InRange>
  uint64_t DeleteFrom(Update& update, uint64_t limit, InRange in_range, const DeleteCallback& on_delete);

  Node* header_;
  Node* tail_ = nullptr;
  uint64_t length_ = 0;
  int level_ = 1;
};

}  // namespace corvid
