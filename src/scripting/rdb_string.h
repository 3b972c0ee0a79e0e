// The few RDB encodings FUNCTION DUMP / RESTORE payloads use: length-prefixed strings (plain, integer-encoded
// or LZF-compressed), the function record opcodes and the DUMP footer (2-byte RDB version, CRC64 little-endian).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace corvid {

inline constexpr uint8_t kRdbOpcodeFunction2 = 245;
inline constexpr uint8_t kRdbOpcodeFunctionPreGa = 246;
inline constexpr uint16_t kRdbVersion = 10;

// Redis' CRC64 (Jones polynomial, reflected) of data, continuing from crc.
uint64_t Crc64(uint64_t crc, std::string_view data);
// Appends s as an RDB string (LZF-compressed when longer than 20 bytes and it saves at least 4 bytes, as Redis
// does with rdbcompression on).
void RdbAppendString(std::string* out, std::string_view s);
// Reads an RDB string from the front of *in (advancing it); false when malformed or truncated.
bool RdbReadString(std::string_view* in, std::string* out);
// Appends the DUMP footer: the RDB version and the CRC64 of everything before the checksum.
void RdbAppendFooter(std::string* out);
// Checks a DUMP payload's footer (version <= ours, matching CRC64); *body is the payload before it.
bool RdbVerifyFooter(std::string_view payload, std::string_view* body);

}  // namespace corvid
