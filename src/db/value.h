// A stored value: Redis' object type and encoding, the LRU/LFU clock bits, and a 16-byte payload
// (an inline or heap string, an integer, or a pointer to a collection).
#pragma once
#include <cstdint>
#include <new>
#include <string_view>

#include "ds/compact_string.h"

namespace corvid {

// Numbering as Redis' OBJ_* (RDB type ids build on these).
enum class ObjType : uint8_t { kString = 0, kList = 1, kSet = 2, kZset = 3, kHash = 4, kStream = 6 };
// Numbering as Redis' OBJ_ENCODING_*.
enum class ObjEnc : uint8_t {
  kRaw = 0, kInt = 1, kHashtable = 2, kIntset = 6, kSkiplist = 7, kEmbstr = 8, kQuicklist = 9, kStream = 10,
  kListpack = 11,
};

// Redis' name for an encoding ("embstr", "listpack", ...), as OBJECT ENCODING prints it.
std::string_view EncodingName(ObjEnc e);
// Redis' name for a type ("string", "zset", ...), as TYPE prints it.
std::string_view TypeName(ObjType t);

// Longest string that Redis keeps as embstr.
inline constexpr size_t kEmbstrMaxLen = 44;

class Value {
 public:
  // An empty string (embstr).
  Value() { new (payload_) CompactString(); }
  Value(Value&& o) noexcept;
  Value& operator=(Value&& o) noexcept;
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;
  ~Value() { Destroy(); }

  // A string value with the encoding Redis' SET gives it: int if canonical int64 (<= 20 chars), embstr up
  // to 44 bytes, raw beyond.
  static Value String(std::string_view s);
  // A string with raw encoding (results of APPEND/SETRANGE).
  static Value RawString(std::string_view s);
  // An embstr/raw string by length, never int (INCRBYFLOAT results).
  static Value PlainString(std::string_view s);
  static Value Int(int64_t v);
  // A collection value owning ptr (freed through FreeCollection).
  static Value Collection(ObjType t, ObjEnc e, void* ptr);

  ObjType type() const { return static_cast<ObjType>(type_); }
  ObjEnc encoding() const { return static_cast<ObjEnc>(enc_); }
  void set_encoding(ObjEnc e) { enc_ = static_cast<uint8_t>(e); }
  bool IsString() const { return type() == ObjType::kString; }
  bool IsInt() const { return encoding() == ObjEnc::kInt; }

  // REQUIRES: IsInt().
  int64_t int_val() const { return *reinterpret_cast<const int64_t*>(payload_); }
  // REQUIRES: IsString() && !IsInt().
  CompactString& str() { return *reinterpret_cast<CompactString*>(payload_); }
  const CompactString& str() const { return *reinterpret_cast<const CompactString*>(payload_); }
  // The string's bytes; an int is formatted into buf (kInt64Chars bytes). REQUIRES: IsString().
  std::string_view StringView(char* buf) const;
  // Length of the string form. REQUIRES: IsString().
  size_t StringLen() const;
  // Makes the string mutable raw (int/embstr → raw) and returns it; for APPEND and SETRANGE.
  CompactString& MakeRaw();

  template <typename T>
  T* As() const { return *reinterpret_cast<T* const*>(payload_); }
  // Replaces the collection pointer (after a conversion); the old one is not freed.
  void ResetCollection(ObjEnc e, void* ptr) {
    enc_ = static_cast<uint8_t>(e);
    *reinterpret_cast<void**>(payload_) = ptr;
  }

  // LRU clock (seconds, 24 bits) or LFU (16-bit minutes + 8-bit counter), as Redis' robj.lru.
  uint32_t lru() const { return lru_; }
  void set_lru(uint32_t v) { lru_ = v & 0xFFFFFF; }
  // Set when the key has an entry in the expires table.
  bool has_expire() const { return flags_ & kHasExpire; }
  void set_has_expire(bool on) { flags_ = on ? (flags_ | kHasExpire) : (flags_ & ~kHasExpire); }

  // Heap bytes held by the value beyond the entry itself (MEMORY USAGE, INFO, lazy free). A hashtable, skiplist
  // or quicklist is estimated from its first `samples` elements (quicklist: nodes) scaled to its size, as Redis'
  // objectComputeSize; kAllSamples measures every element.
  size_t HeapBytes(size_t samples = kHeapBytesSamples) const;
  static constexpr size_t kHeapBytesSamples = 64, kAllSamples = SIZE_MAX;

 private:
  static constexpr uint8_t kHasExpire = 1;
  void Destroy();

  uint8_t type_ = 0;
  uint8_t enc_ = static_cast<uint8_t>(ObjEnc::kEmbstr);
  uint8_t flags_ = 0;
  uint8_t pad_ = 0;
  uint32_t lru_ = 0;
  alignas(8) char payload_[16];
};
static_assert(sizeof(Value) == 24);

// A deep copy (COPY): strings keep their encoding.
Value CloneValue(const Value& v);

// Per-type collection hooks (db/collections.cc dispatches to the ops each family registers).
// Frees a collection's payload.
void FreeCollection(ObjType t, ObjEnc e, void* ptr);
// Heap bytes of a collection payload, sampling as Value::HeapBytes.
size_t CollectionBytes(ObjType t, ObjEnc e, const void* ptr, size_t samples);
// The bytes of `total` elements estimated from `sampled` of them taking sample_bytes (Redis' objectComputeSize).
inline size_t ScaleSample(size_t sample_bytes, size_t sampled, size_t total) {
  return sampled ? static_cast<size_t>(static_cast<double>(sample_bytes) / static_cast<double>(sampled) *
                                       static_cast<double>(total))
                 : 0;
}
// A deep copy of a collection's payload.
void* CloneCollection(ObjType t, ObjEnc e, const void* ptr);

}  // namespace corvid
