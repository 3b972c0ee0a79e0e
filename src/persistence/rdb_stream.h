// Streams in RDB files and DUMP payloads: RDB_TYPE_STREAM_LISTPACKS_2 (type 19, what Redis 7.0 writes) on save,
// types 15 (Redis 5-6.2) and 19 on load.
//
// Payload: <nodes> { <master ID: 16-byte big-endian string> <listpack string> }*, <length>, <last ms> <last seq>,
// (19 only) <first ms> <first seq> <max-deleted ms> <max-deleted seq> <entries-added>, <groups> { <name>
// <last ms> <last seq> (19 only) <entries-read> <PEL size> { <raw 16-byte ID> <delivery ms, 8 bytes LE>
// <delivery count> }* <consumers> { <name> <seen ms, 8 bytes LE> <PEL size> { <raw 16-byte ID> }* }* }*.
// Integers are RDB lengths unless noted. Loading checks every node entry by entry (counts, flags, IDs in
// order, lp-count back links) and the PEL references, and refuses anything inconsistent.
#pragma once

namespace corvid::rdb {

// Registers the stream saver and the loaders for types 15 and 19 with the RDB engine.
void RegisterStreamRdb();

}  // namespace corvid::rdb
