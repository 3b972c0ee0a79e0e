#include "protocol/reply_builder.h"

#include <cmath>

#include "util/numeric.h"

namespace corvid {

void OutputBuffer::Consume(size_t n) {
  start_ += n;
  if (start_ == buf_.size()) {
    start_ = 0;
    buf_.clear();
    if (buf_.capacity() > 4 * kInitial * 64) {
      std::string fresh;
      fresh.reserve(kInitial);
      buf_.swap(fresh);
    }
  }
}

void ReplyBuilder::Header(char type, size_t n) {
  char buf[kInt64Chars + 3];
  buf[0] = type;
  size_t len = 1 + UInt64ToChars(n, buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out_->Append(std::string_view(buf, len));
}

void ReplyBuilder::Simple(std::string_view s) {
  out_->Append('+');
  out_->Append(s);
  out_->Append("\r\n");
}

void ReplyBuilder::Error(std::string_view msg) {
  // As addReplyErrorFormat: trailing CR/LF are trimmed, the ones inside become spaces.
  while (!msg.empty() && (msg.back() == '\r' || msg.back() == '\n')) msg.remove_suffix(1);
  std::string& b = out_->raw();
  b.push_back('-');
  size_t at = b.size();
  b.append(msg.data(), msg.size());
  // An error must be one line.
  for (size_t i = at; i < b.size(); ++i)
    if (b[i] == '\r' || b[i] == '\n') b[i] = ' ';
  b.append("\r\n");
  // INFO errorstats counts by the word before the first space within 32 bytes, else as ERR (as Redis).
  size_t sp = msg.substr(0, 32).find(' ');
  last_error_store_.assign(sp == std::string_view::npos ? std::string_view("ERR") : msg.substr(0, sp));
  last_error_ = last_error_store_;
}

void ReplyBuilder::Int(int64_t v) {
  char buf[kInt64Chars + 3];
  buf[0] = ':';
  size_t len = 1 + Int64ToChars(v, buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out_->Append(std::string_view(buf, len));
}

void ReplyBuilder::Bulk(std::string_view s) {
  Header('$', s.size());
  out_->Append(s);
  out_->Append("\r\n");
}

void ReplyBuilder::BulkInt(int64_t v) {
  char buf[kInt64Chars];
  Bulk(std::string_view(buf, Int64ToChars(v, buf)));
}

void ReplyBuilder::Null() { Raw(resp_ == 3 ? "_\r\n" : "$-1\r\n"); }

void ReplyBuilder::NullArray() { Raw(resp_ == 3 ? "_\r\n" : "*-1\r\n"); }

void ReplyBuilder::Map(size_t pairs) {
  if (resp_ == 3)
    Header('%', pairs);
  else
    Header('*', pairs * 2);
}

void ReplyBuilder::Set(size_t n) { Header(resp_ == 3 ? '~' : '*', n); }

void ReplyBuilder::Push(size_t n) { Header(resp_ == 3 ? '>' : '*', n); }

void ReplyBuilder::Attribute(size_t pairs) { Header('|', pairs); }

void ReplyBuilder::Double(double d) {
  char buf[kDoubleChars];
  size_t n = FormatDouble(d, buf);
  if (resp_ == 3) {
    out_->Append(',');
    out_->Append(std::string_view(buf, n));
    out_->Append("\r\n");
  } else {
    Bulk(std::string_view(buf, n));
  }
}

void ReplyBuilder::Bool(bool b) {
  if (resp_ == 3)
    Raw(b ? "#t\r\n" : "#f\r\n");
  else
    Raw(b ? ":1\r\n" : ":0\r\n");
}

void ReplyBuilder::Verbatim(std::string_view text, std::string_view format) {
  if (resp_ != 3) {
    Bulk(text);
    return;
  }
  Header('=', text.size() + 4);
  out_->Append(format);
  out_->Append(':');
  out_->Append(text);
  out_->Append("\r\n");
}

void ReplyBuilder::BigNumber(std::string_view digits) {
  if (resp_ != 3) {
    Bulk(digits);
    return;
  }
  out_->Append('(');
  out_->Append(digits);
  out_->Append("\r\n");
}

}  // namespace corvid
