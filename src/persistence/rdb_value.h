// Values in RDB form: the type id and payload of every type, with the encodings Redis 7.0 writes (int/LZF/raw
// strings, QUICKLIST_2 lists of listpack nodes, INTSET or SET sets, ZSET_LISTPACK or ZSET_2 zsets,
// HASH_LISTPACK or HASH hashes). Loading also accepts the older encodings (RDB 9 and before: ziplists, zipmap,
// QUICKLIST of ziplists, plain LIST and ZSET) and converts them to corvid's encodings with Redis' thresholds.
//
// Types other branches add (streams, module types) plug in through RegisterRdbSaver / RegisterRdbLoader; until
// then saving such a value fails with an error and loading one fails as an unknown type.
#pragma once
#include <cstdint>
#include <string>

#include "db/value.h"
#include "persistence/rdb_format.h"

namespace corvid::rdb {

// The RDB type id v is saved as.
using TypeFn = uint8_t (*)(const Value& v);
// Writes v's payload (what follows the type id and, in a file, the key).
using SaveFn = void (*)(Writer& w, const Value& v, bool compress);
// Reads the payload of a value of type id `type` into *out; false on malformed data (the reader has the error).
using LoadFn = bool (*)(Reader& r, uint8_t type, Value* out);

// Registers the saver for values of type t (replacing any) / the loader for RDB type id `type`.
void RegisterRdbSaver(ObjType t, TypeFn type_of, SaveFn save);
void RegisterRdbLoader(uint8_t type, LoadFn fn);

// The type id v is saved as; false with *err when v's type has no saver.
bool ValueType(const Value& v, uint8_t* type, std::string* err);
// Writes v's payload; compress enables LZF strings (rdbcompression). REQUIRES: ValueType(v) succeeded.
void SaveValue(Writer& w, const Value& v, bool compress);

// True if `type` is a value type id (not an opcode) some loader handles.
bool IsLoadableType(uint8_t type);

enum class LoadResult : uint8_t { kOk, kEmpty, kError };
// Reads a value of type id `type`. kEmpty: a well-formed empty collection (Redis skips such keys when loading a
// file and refuses them in RESTORE); kError: malformed (the reader holds the message).
LoadResult LoadValue(Reader& r, uint8_t type, Value* out);

// ---- DUMP / RESTORE payloads: type id, value, RDB version (2 bytes LE), CRC64 of the rest (8 bytes LE) ----

// The DUMP payload of v; false with *err when v's type has no saver.
bool DumpPayload(const Value& v, bool compress, std::string* out, std::string* err);
enum class PayloadResult : uint8_t { kOk, kBadVersionOrChecksum, kBadData };
// Decodes a DUMP payload (from corvid or Redis <= 7.0): kBadVersionOrChecksum when it is too short, names a
// newer RDB version or fails the CRC; kBadData when the value does not decode (or is an empty collection).
PayloadResult ParseDumpPayload(std::string_view payload, Value* out);

}  // namespace corvid::rdb
