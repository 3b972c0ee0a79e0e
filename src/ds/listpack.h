// Listpack: Redis 7.0's compact list-of-strings encoding, byte for byte.
//
// Layout: <total-bytes u32 LE> <num-elements u16 LE> <entry>* <0xFF>
// num-elements is 65535 when the count is unknown (65535 or more elements); Size() then scans.
// Each entry is <encoding><data><backlen>: strings that are canonical int64 are stored as integers
// (7-bit uint, 13/16/24/32/64-bit signed), other strings with a 6-bit, 12-bit or 32-bit length;
// backlen is the size of <encoding><data> in 1-5 bytes, readable right to left.
// The RDB code writes Bytes() straight into RDB files and loads them back with FromBytes().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace corvid {

// One element as read from a listpack: an integer, or a byte string viewing into the listpack.
struct LpValue {
  // Room for any int64 in decimal ("-9223372036854775808" is 20 characters).
  static constexpr size_t kIntBufSize = 21;

  std::string_view str;  // the bytes when !is_int; invalidated by any change to the listpack
  int64_t num = 0;       // the value when is_int
  bool is_int = false;

  // Returns the element as text: `str`, or `num` in decimal written into `buf`.
  std::string_view AsString(char (&buf)[kIntBufSize]) const;

  // Returns true if the element's text equals `s` byte for byte.
  bool Equals(std::string_view s) const;
};

class Listpack {
 public:
  // Byte offset of an element inside the listpack. Stays valid across reallocation; a mutation
  // shifts the offsets of the elements after the point it changed.
  using Pos = uint32_t;
  // "No element": returned past either end and for failed lookups.
  static constexpr Pos kNoPos = UINT32_MAX;
  // Bytes of an empty listpack: the 6-byte header plus the terminator.
  static constexpr size_t kEmptySize = 7;
  // Redis' LISTPACK_MAX_SAFETY_SIZE: callers convert to a big encoding before crossing it.
  static constexpr size_t kMaxSafetySize = size_t{1} << 30;

  enum class Where { kBefore, kAfter };

  // Creates an empty listpack.
  Listpack();
  ~Listpack();
  // A moved-from listpack may only be destroyed or assigned to.
  Listpack(Listpack&& other) noexcept;
  Listpack& operator=(Listpack&& other) noexcept;
  Listpack(const Listpack&) = delete;
  Listpack& operator=(const Listpack&) = delete;

  // Returns true if `bytes` is a well-formed listpack. With deep == false only the header, the
  // size and the terminator are checked; with deep == true every entry (encoding, length, backlen)
  // and the element count are checked too. Never reads outside `bytes`.
  static bool Validate(std::string_view bytes, bool deep);

  // Returns a listpack holding a copy of `bytes`.
  // REQUIRES: Validate(bytes, /*deep=*/true).
  static Listpack FromBytes(std::string_view bytes);

  // Returns the encoded listpack: what RDB stores. Valid until the next change.
  std::string_view Bytes() const;

  // Returns the number of elements (scans when the header says unknown, and stores the count
  // back when it fits, as Redis does).
  uint32_t Size() const;

  // Returns true if the listpack is empty.
  bool Empty() const;

  // Returns true if growing by `add_bytes` keeps the listpack under kMaxSafetySize.
  bool SafeToAdd(size_t add_bytes) const;

  // Iteration. First/Last return kNoPos when empty; Next/Prev return kNoPos past the ends.
  // REQUIRES (Next, Prev, Get): `pos` is the position of an element.
  Pos First() const;
  Pos Last() const;
  Pos Next(Pos pos) const;
  Pos Prev(Pos pos) const;

  // Returns the position of element `index` (negative counts from the tail, -1 = last), or kNoPos
  // when out of range.
  Pos Seek(int64_t index) const;

  // Returns the element at `pos`; a string element views the listpack until the next change.
  LpValue Get(Pos pos) const;

  // Returns the first element at or after `start` equal to `value`, comparing one element and then
  // skipping `skip` elements (skip = 1 looks only at the fields of a field/value listpack), or
  // kNoPos. `start` may be kNoPos (then returns kNoPos).
  Pos Find(Pos start, std::string_view value, uint32_t skip) const;

  // Adds an element at the tail / head. String values that are canonical int64 are stored as integers.
  void Append(std::string_view value);
  void AppendInt(int64_t value);
  void Prepend(std::string_view value);
  void PrependInt(int64_t value);

  // Inserts an element before or after the element at `pos`; returns the new element's position.
  // REQUIRES: `pos` is the position of an element.
  Pos Insert(Pos pos, Where where, std::string_view value);
  Pos InsertInt(Pos pos, Where where, int64_t value);

  // Replaces the element at `pos` (which keeps its position).
  // REQUIRES: `pos` is the position of an element.
  void Replace(Pos pos, std::string_view value);
  void ReplaceInt(Pos pos, int64_t value);

  // Deletes up to `count` elements starting at `pos`; returns the position of the element that
  // followed the deleted ones, or kNoPos if none did.
  // REQUIRES: `pos` is the position of an element.
  Pos Delete(Pos pos, uint32_t count);

 private:
  struct Encoded;

  explicit Listpack(unsigned char* blob) : lp_(blob) {}

  uint32_t TotalBytes() const;
  // Size of the element at `pos` including its backlen.
  uint32_t EntrySize(Pos pos) const;
  // Returns true if `value` points into this listpack's own bytes.
  bool Aliases(std::string_view value) const;
  Pos InsertEncoded(Pos at, const Encoded& entry);
  void ReplaceEncoded(Pos pos, const Encoded& entry);
  // Moves the bytes from `from` to the end so they start at `to`, resizing the blob to `new_total`.
  void Shift(Pos from, Pos to, uint32_t new_total);

  unsigned char* lp_;
};

}  // namespace corvid
