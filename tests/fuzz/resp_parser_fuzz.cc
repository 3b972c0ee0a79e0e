// libFuzzer target for RespParser: feeds the input in chunks and checks the parser's invariants.
//
// Input layout: byte 0 chooses the chunking and the limits, byte 1 seeds the chunk sizes, the rest is the
// byte stream a client sends. Invariants checked (abort() on violation, so libFuzzer saves the input):
//   - consumed is > 0 and never exceeds the bytes passed, for kCommand and kEmpty;
//   - a kError's message starts with "ERR Protocol error";
//   - Args() returns argc() arguments, and a multibulk command's arguments lie inside the bytes it consumed;
//   - parsing the same bytes in one shot gives the same commands, empties and error as the chunked feed
//     (only the "too big ..." limits depend on how much is buffered, so inputs that hit them are exempt).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"

namespace {

using corvid::RespParser;

struct Outcome {
  std::vector<std::vector<std::string>> commands;
  int empties = 0;
  std::string error;
  size_t consumed = 0;
};

[[noreturn]] void Fail(const char* what) {
  fprintf(stderr, "resp_parser_fuzz invariant violated: %s\n", what);
  abort();
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

struct Rng {
  uint32_t s;
  uint32_t Next() {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
};

// mode: 0 byte by byte, 1 random sizes 1..64, 2 fixed size seed%16+1, 3 one shot.
Outcome Feed(const uint8_t* data, size_t size, int mode, uint8_t seed, const RespParser::Limits& lim) {
  RespParser p;
  Outcome out;
  std::string buf;
  Rng rng{seed * 2654435761u + 1};
  size_t fed = 0;
  std::vector<std::string_view> args;
  while (fed < size) {
    size_t n;
    switch (mode) {
      case 0: n = 1; break;
      case 1: n = rng.Next() % 64 + 1; break;
      case 2: n = seed % 16 + 1; break;
      default: n = size; break;
    }
    if (n > size - fed) n = size - fed;
    buf.append(reinterpret_cast<const char*>(data) + fed, n);
    fed += n;
    for (;;) {
      size_t consumed = static_cast<size_t>(-1);
      RespParser::Result r = p.Parse(buf.data(), buf.size(), lim, &consumed);
      if (r == RespParser::Result::kIncomplete) break;
      if (r == RespParser::Result::kError) {
        out.error = std::string(p.error());
        if (!StartsWith(out.error, "ERR Protocol error")) Fail("error text does not start with ERR Protocol error");
        return out;
      }
      if (consumed == 0 || consumed > buf.size()) Fail("consumed out of range");
      if (r == RespParser::Result::kCommand) {
        p.Args(buf.data(), &args);
        if (args.size() != p.argc() || args.empty()) Fail("Args() size differs from argc() or is empty");
        if (buf[0] == '*') {
          for (std::string_view a : args) {
            if (a.data() < buf.data() || a.data() + a.size() > buf.data() + consumed)
              Fail("argument outside the consumed bytes");
          }
        }
        out.commands.emplace_back(args.begin(), args.end());
      } else {
        ++out.empties;
      }
      out.consumed += consumed;
      buf.erase(0, consumed);
    }
  }
  return out;
}

bool IsBufferingLimit(const std::string& e) { return e.find("too big") != std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t ctl = data[0], seed = data[1];
  data += 2;
  size -= 2;
  RespParser::Limits lim;
  lim.auth_required = ctl & 1;
  if (ctl & 2) lim.max_bulk_len = 16;  // small proto-max-bulk-len so the limit is reachable
  const int mode = (ctl >> 2) & 3;

  Outcome chunked = Feed(data, size, mode, seed, lim);
  Outcome whole = Feed(data, size, 3, seed, lim);
  if (IsBufferingLimit(chunked.error) || IsBufferingLimit(whole.error)) return 0;
  if (chunked.commands != whole.commands) Fail("chunked and one-shot commands differ");
  if (chunked.empties != whole.empties) Fail("chunked and one-shot empties differ");
  if (chunked.error != whole.error) Fail("chunked and one-shot errors differ");
  if (chunked.consumed != whole.consumed) Fail("chunked and one-shot consumed differ");
  return 0;
}
