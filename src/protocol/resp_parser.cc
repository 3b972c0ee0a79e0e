#include "protocol/resp_parser.h"

#include <climits>
#include <cstring>

#include "corvid/errors.h"
#include "util/numeric.h"

namespace corvid {

namespace {
// A length field ("*3", "$11"): plain digits take the fast path; anything else goes through StringToInt64 so
// that every accept/reject rule stays Redis' string2ll.
bool ParseLength(const char* p, size_t n, int64_t* out) {
  if (n >= 1 && n <= 18 && (p[0] != '0' || n == 1)) {
    int64_t v = 0;
    size_t i = 0;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; ++i) v = v * 10 + (p[i] - '0');
    if (i == n) {
      *out = v;
      return true;
    }
  }
  return StringToInt64(std::string_view(p, n), out);
}
// The first c in p[0, len), as Redis finds it with strchr: nullptr if a NUL byte comes before it. Bounded by
// the match, so a big buffer is not rescanned per header line.
const char* FindInCString(const char* p, size_t len, char c) {
  const char* hit = static_cast<const char*>(memchr(p, c, len));
  if (!hit || memchr(p, '\0', hit - p)) return nullptr;
  return hit;
}
}  // namespace

void RespParser::Reset() {
  pos_ = 0;
  mbulk_left_ = -1;
  bulk_len_ = -1;
  args_.clear();
  inline_mode_ = false;
}

RespParser::Result RespParser::Fail(std::string msg) {
  error_ = std::move(msg);
  Reset();
  return Result::kError;
}

RespParser::Result RespParser::Parse(const char* data, size_t len, const Limits& lim, size_t* consumed) {
  if (mbulk_left_ < 0) {
    if (len == 0) return Result::kIncomplete;
    if (data[0] != '*') return ParseInline(data, len, consumed);
    inline_mode_ = false;
    const char* cr = FindInCString(data, len, '\r');
    if (!cr || static_cast<size_t>(cr - data) + 1 >= len) {
      if (!cr && len > kInlineMax) return Fail(std::string(err::kProtoTooBigMbulk));
      return Result::kIncomplete;
    }
    int64_t n;
    if (!ParseLength(data + 1, cr - data - 1, &n) || n > INT_MAX)
      return Fail(std::string(err::kProtoInvalidMultibulk));
    if (n > 10 && lim.auth_required) return Fail("ERR Protocol error: unauthenticated multibulk length");
    pos_ = cr - data + 2;
    if (n <= 0) {
      *consumed = pos_;
      Reset();
      return Result::kEmpty;
    }
    mbulk_left_ = n;
    args_.clear();
    args_.reserve(n < 1024 ? n : 1024);
  }
  while (mbulk_left_ > 0) {
    if (bulk_len_ < 0) {
      if (pos_ >= len) return Result::kIncomplete;
      const char* p = data + pos_;
      size_t avail = len - pos_;
      const char* cr = FindInCString(p, avail, '\r');
      if (!cr || static_cast<size_t>(cr - p) + 1 >= avail) {
        if (!cr && avail > kInlineMax) return Fail(std::string(err::kProtoTooBigBulk));
        return Result::kIncomplete;
      }
      if (p[0] != '$') {
        std::string m(err::kProtoExpectedDollar);
        m.replace(m.find("{}"), 2, std::string(1, p[0]));
        return Fail(std::move(m));
      }
      int64_t n;
      if (!ParseLength(p + 1, cr - p - 1, &n) || n < 0 || n > lim.max_bulk_len)
        return Fail(std::string(err::kProtoInvalidBulk));
      if (n > 16384 && lim.auth_required) return Fail("ERR Protocol error: unauthenticated bulk length");
      bulk_len_ = n;
      pos_ = cr - data + 2;
    }
    // Redis does not check the CRLF after the payload: it skips two bytes.
    if (len - pos_ < static_cast<size_t>(bulk_len_) + 2) return Result::kIncomplete;
    args_.push_back(Span{static_cast<uint32_t>(pos_), static_cast<uint32_t>(bulk_len_)});
    pos_ += bulk_len_ + 2;
    bulk_len_ = -1;
    --mbulk_left_;
  }
  *consumed = pos_;
  pos_ = 0;
  mbulk_left_ = -1;
  return Result::kCommand;
}

RespParser::Result RespParser::ParseInline(const char* data, size_t len, size_t* consumed) {
  const char* nl = FindInCString(data, len, '\n');
  if (!nl) {
    if (len > kInlineMax) return Fail(std::string(err::kProtoTooBigInline));
    return Result::kIncomplete;
  }
  size_t line_len = nl - data;
  *consumed = line_len + 1;
  if (line_len > 0 && data[line_len - 1] == '\r') --line_len;
  inline_mode_ = true;
  if (!SplitArgs(std::string_view(data, line_len), &inline_args_))
    return Fail(std::string(err::kProtoUnbalancedQuotes));
  if (inline_args_.empty()) {
    inline_mode_ = false;
    return Result::kEmpty;
  }
  return Result::kCommand;
}

void RespParser::Args(const char* data, std::vector<std::string_view>* out) const {
  out->clear();
  if (inline_mode_) {
    for (const auto& a : inline_args_) out->emplace_back(a);
    return;
  }
  for (const Span& s : args_) out->emplace_back(data + s.off, s.len);
}

namespace {
int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f'; }
}  // namespace

bool SplitArgs(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  size_t i = 0, n = line.size();
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i >= n) return true;
    std::string cur;
    bool in_dq = false, in_sq = false, done = false;
    while (!done) {
      if (in_dq) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && HexVal(line[i + 2]) >= 0 && HexVal(line[i + 3]) >= 0) {
          cur.push_back(static_cast<char>(HexVal(line[i + 2]) * 16 + HexVal(line[i + 3])));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          char e = line[++i];
          switch (e) {
            case 'n': cur.push_back('\n'); break;
            case 'r': cur.push_back('\r'); break;
            case 't': cur.push_back('\t'); break;
            case 'b': cur.push_back('\b'); break;
            case 'a': cur.push_back('\a'); break;
            default: cur.push_back(e); break;
          }
        } else if (c == '"') {
          // A closing quote must be followed by a space or the end.
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          cur.push_back(c);
        }
      } else if (in_sq) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          ++i;
          cur.push_back('\'');
        } else if (c == '\'') {
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          cur.push_back(c);
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        char c = line[i];
        // sdssplitargs ends an unquoted token only on these (not on \v or \f, unlike isspace).
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
          done = true;
        } else if (c == '"') {
          in_dq = true;
        } else if (c == '\'') {
          in_sq = true;
        } else {
          cur.push_back(c);
        }
      }
      if (i < n) ++i;
    }
    out->push_back(std::move(cur));
  }
}

}  // namespace corvid
