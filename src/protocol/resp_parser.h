// Incremental parser of client requests: RESP multibulk and inline commands, with Redis' protocol errors.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace corvid {

class RespParser {
 public:
  enum class Result {
    kCommand,     // a whole command was parsed: Args() gives it, *consumed says how many bytes it took
    kEmpty,       // an empty command (*0, *-1, blank inline line) was consumed: nothing to run
    kIncomplete,  // need more bytes; call again with the same start and more data
    kError,       // protocol error: error() has Redis' text; the connection must be closed after replying
  };
  struct Limits {
    int64_t max_bulk_len = 512ll * 1024 * 1024;  // proto-max-bulk-len
    bool auth_required = false;                  // unauthenticated clients get tighter limits
  };
  static constexpr size_t kInlineMax = 64 * 1024;

  // Parses one command starting at data[0]. Progress on an incomplete command is kept, so a following call
  // must pass the same command start (bytes may have moved, offsets are relative).
  Result Parse(const char* data, size_t len, const Limits& lim, size_t* consumed);
  // The parsed arguments as views into data (or into the parser, for inline commands).
  // REQUIRES: the last Parse returned kCommand with this data pointer.
  void Args(const char* data, std::vector<std::string_view>* out) const;
  size_t argc() const { return inline_mode_ ? inline_args_.size() : args_.size(); }
  std::string_view error() const { return error_; }
  // Bytes still expected for the bulk being read (0 if unknown); lets the reader size big reads.
  size_t PendingBulkBytes() const { return bulk_len_ > 0 ? static_cast<size_t>(bulk_len_) + 2 : 0; }
  // Bytes from the command's start to the end of the bulk being read, CRLF included (0 if unknown).
  size_t BulkEnd() const { return bulk_len_ > 0 ? pos_ + static_cast<size_t>(bulk_len_) + 2 : 0; }
  // Forgets any partial command.
  void Reset();

 private:
  Result ParseInline(const char* data, size_t len, size_t* consumed);
  Result Fail(std::string msg);

  struct Span {
    uint32_t off;  // offsets into the command; a command is < 4 GB since bulk lengths are capped
    uint32_t len;
  };
  size_t pos_ = 0;          // bytes of the current command already parsed
  int64_t mbulk_left_ = -1; // arguments still to read; -1 when not inside a multibulk
  int64_t bulk_len_ = -1;   // length of the bulk being read; -1 when its header is not read yet
  std::vector<Span> args_;
  bool inline_mode_ = false;
  std::vector<std::string> inline_args_;
  std::string error_;
};

// Splits a line into arguments as Redis' sdssplitargs (quotes, escapes); false on unbalanced quotes.
bool SplitArgs(std::string_view line, std::vector<std::string>* out);

}  // namespace corvid
