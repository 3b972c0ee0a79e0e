// LZF compression in the format of Marc Lehmann's liblzf, which Redis uses for RDB strings and for the
// compressed interior nodes of quicklists.
//
// The stream is a sequence of runs:
//   000LLLLL <L+1 literal bytes>                 a literal run of 1..32 bytes
//   LLLooooo oooooooo                            a back reference of L+2 bytes (L = 1..6)
//   111ooooo LLLLLLLL oooooooo                   a back reference of L+9 bytes (L = 0..255)
// where the 13-bit o is the distance back from the output position minus one (copied byte by byte, so
// references may overlap the bytes they produce).
#pragma once
#include <cstddef>

namespace corvid {

// Compresses in[0, n) into out (room for out_cap bytes). Returns the compressed size, or 0 when the result
// does not fit in out_cap (or n == 0). Deterministic: the same input always gives the same output.
size_t LzfCompress(const void* in, size_t n, void* out, size_t out_cap);

// Decompresses in[0, n) into out (room for out_cap bytes). Returns the number of bytes written, or 0 when the
// input is malformed (a reference before the start, a truncated run) or the output does not fit out_cap.
// Never reads or writes out of bounds, whatever the input.
size_t LzfDecompress(const void* in, size_t n, void* out, size_t out_cap);

}  // namespace corvid
