// Redis' RDB serialization primitives (format version 10, Redis 7.0): opcodes, type ids, length and string
// encodings, doubles, the CRC64 checksum, and a writer/reader pair the dump, load, DUMP and RESTORE code shares.
//
// Lengths: 00xxxxxx (6 bits), 01xxxxxx xxxxxxxx (14 bits, big endian), 0x80 + 4 bytes BE, 0x81 + 8 bytes BE;
// 11xxxxxx marks a specially encoded string: 0 int8, 1 int16 LE, 2 int32 LE, 3 LZF (<clen> <len> <bytes>).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace corvid::rdb {

inline constexpr int kVersion = 10;
// rdb-save-incremental-fsync / aof-rewrite-incremental-fsync: fsync every 4 MB written.
inline constexpr size_t kIncrementalFsyncBytes = 4u << 20;

// Value type ids (the byte before each key).
enum Type : uint8_t {
  kTypeString = 0, kTypeList = 1, kTypeSet = 2, kTypeZset = 3, kTypeHash = 4, kTypeZset2 = 5, kTypeModule2 = 7,
  kTypeHashZipmap = 9, kTypeListZiplist = 10, kTypeSetIntset = 11, kTypeZsetZiplist = 12, kTypeHashZiplist = 13,
  kTypeListQuicklist = 14, kTypeStreamListpacks = 15, kTypeHashListpack = 16, kTypeZsetListpack = 17,
  kTypeListQuicklist2 = 18, kTypeStreamListpacks2 = 19,
};
// Opcodes in place of a type id.
enum Opcode : uint8_t {
  kOpFunction2 = 245, kOpFunction = 246, kOpModuleAux = 247, kOpIdle = 248, kOpFreq = 249, kOpAux = 250,
  kOpResizeDb = 251, kOpExpireTimeMs = 252, kOpExpireTime = 253, kOpSelectDb = 254, kOpEof = 255,
};
// Quicklist node containers in RDB_TYPE_LIST_QUICKLIST_2.
inline constexpr uint64_t kQuicklistNodePlain = 1, kQuicklistNodePacked = 2;

// Redis' crc64 (Jones polynomial 0xad93d23594c935a9, reflected, init 0, no final xor) continued from crc.
uint64_t Crc64(uint64_t crc, const void* p, size_t n);

// Appends RDB data to a buffer; with a file descriptor the buffer is written out in chunks (Flush), keeping
// the running CRC64 of everything written.
class Writer {
 public:
  // fd < 0: everything stays in buffer() (DUMP).
  explicit Writer(int fd = -1) : fd_(fd) {}

  void Byte(uint8_t b) { buf_.push_back(static_cast<char>(b)); MaybeFlush(); }
  void Raw(std::string_view s) { buf_.append(s); MaybeFlush(); }
  void Len(uint64_t len);
  // A string as Redis' rdbSaveRawString: integer-encoded when it is a short canonical int that fits 32 bits,
  // LZF-compressed when compress and longer than 20 bytes and compression saves bytes, else raw.
  void String(std::string_view s, bool compress);
  // An integer value as rdbSaveLongLongAsStringObject (int encoding when it fits 32 bits, else decimal).
  void IntString(int64_t v);
  // 8-byte little-endian binary double (ZSET_2 scores).
  void BinaryDouble(double d);
  void U64Le(uint64_t v);

  // Writes the buffered bytes to the file (no-op without fd); false on a write error (errno set).
  bool Flush();
  // fsync the file after every `bytes` written (0: never), so the kernel does not build up one huge flush at the
  // end (rdb-save-incremental-fsync, aof-rewrite-incremental-fsync: 4 MB).
  void FsyncEvery(size_t bytes) { fsync_every_ = bytes; }
  bool ok() const { return ok_; }
  // The CRC64 of everything appended so far (flushed or not).
  uint64_t Crc();
  std::string& buffer() { return buf_; }

 private:
  void MaybeFlush() { if (fd_ >= 0 && buf_.size() >= kChunk) Flush(); }
  static constexpr size_t kChunk = 1 << 16;
  int fd_;
  bool ok_ = true;
  uint64_t crc_ = 0;  // over the flushed bytes
  size_t fsync_every_ = 0, unsynced_ = 0;
  std::string buf_;
};

// Reads RDB data from memory. Every read returns false past the end or on malformed input and records the
// first error with the offset where it happened.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  bool Byte(uint8_t* b);
  bool Raw(size_t n, std::string_view* out);
  // A length; *encoded (if given) is set when it is the 11xxxxxx marker of a special string (the value is
  // then the encoding kind). An encoded marker where a plain length is expected (encoded == nullptr) fails.
  bool Len(uint64_t* len, bool* encoded = nullptr);
  // A string in any encoding (int, LZF, raw), decoded.
  bool String(std::string* out);
  // The ZSET_2 binary double.
  bool BinaryDouble(double* d);
  // The old ZSET string double: a length byte (253 nan, 254 +inf, 255 -inf) then the text.
  bool OldDouble(double* d);
  // An unsigned little-endian integer of `bytes` bytes (1..8).
  bool UintLe(int bytes, uint64_t* v);

  size_t offset() const { return pos_; }
  size_t size() const { return data_.size(); }
  std::string_view data() const { return data_; }
  // Records an error at the current offset (the first one wins); returns false.
  bool Fail(std::string_view what);
  const std::string& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  std::string error_;
  size_t error_offset_ = 0;
};

// The DUMP payload footer: appends the 2-byte RDB version and the CRC64 of everything in w.
void AppendDumpFooter(Writer& w);
// Checks a DUMP payload's footer (version <= ours, matching CRC64); *body is the payload before it. False when
// the payload is too short, from a newer RDB version or corrupt.
bool SplitDumpFooter(std::string_view payload, std::string_view* body);

}  // namespace corvid::rdb
