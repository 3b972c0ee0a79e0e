// Builds RESP2/RESP3 replies straight into a connection's output buffer.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace corvid {

// A growable byte buffer with a consumed prefix; the connection writes [data(), data()+size()) to the socket.
class OutputBuffer {
 public:
  OutputBuffer() { buf_.reserve(kInitial); }
  const char* data() const { return buf_.data() + start_; }
  size_t size() const { return buf_.size() - start_; }
  bool empty() const { return size() == 0; }
  void Append(std::string_view s) { buf_.append(s.data(), s.size()); }
  void Append(char c) { buf_.push_back(c); }
  // Drops n written bytes from the front; resets (and shrinks a huge buffer) once everything is written.
  void Consume(size_t n);
  // Bytes held, including reserved capacity (for CLIENT LIST omem and output limits).
  size_t Capacity() const { return buf_.capacity(); }
  std::string& raw() { return buf_; }

 private:
  static constexpr size_t kInitial = 16 * 1024;
  std::string buf_;
  size_t start_ = 0;
};

// REQUIRES: every Array/Map/Set/Push(n) is followed by exactly n elements (2n for maps).
class ReplyBuilder {
 public:
  explicit ReplyBuilder(OutputBuffer* out) : out_(out) {}
  int resp() const { return resp_; }
  void SetResp(int v) { resp_ = v; }

  void Ok() { Raw("+OK\r\n"); }
  void Simple(std::string_view s);
  // msg is Redis' error text without '-' (e.g. "ERR syntax error"); newlines in it are replaced by spaces.
  void Error(std::string_view msg);
  void Int(int64_t v);
  void Bulk(std::string_view s);
  void BulkInt(int64_t v);  // an integer as a bulk string
  void Null();              // $-1 in RESP2, _ in RESP3
  void NullArray();         // *-1 in RESP2, _ in RESP3
  void Array(size_t n) { Header('*', n); }
  void EmptyArray() { Raw("*0\r\n"); }
  void Map(size_t pairs);   // %n in RESP3, *2n in RESP2
  void Set(size_t n);       // ~n in RESP3, *n in RESP2
  void Push(size_t n);      // >n in RESP3, *n in RESP2
  void Attribute(size_t pairs);  // |n in RESP3; RESP2 has none (the caller skips the attribute)
  void Double(double d);    // ,d in RESP3, a bulk string in RESP2 (Redis 7.0 "%.17g" form)
  void Bool(bool b);        // #t/#f in RESP3, :1/:0 in RESP2
  void Verbatim(std::string_view text, std::string_view format = "txt");  // =len\r\ntxt:... / bulk in RESP2
  void BigNumber(std::string_view digits);  // (n in RESP3, a bulk string in RESP2
  void Raw(std::string_view s) { out_->Append(s); }

  // The error prefix of the last Error() (e.g. "ERR", "WRONGTYPE"), for INFO errorstats; empty after Take.
  std::string_view TakeLastError() {
    std::string_view e = last_error_;
    last_error_ = {};
    return e;
  }

 private:
  void Header(char type, size_t n);
  OutputBuffer* out_;
  int resp_ = 2;
  std::string_view last_error_;
  std::string last_error_store_;
};

}  // namespace corvid
