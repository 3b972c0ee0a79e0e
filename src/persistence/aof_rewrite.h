// The command-form AOF base file (`aof-use-rdb-preamble no`): the whole dataset written as the commands that
// rebuild it, byte for byte as Redis 7.0's rewriteAppendOnlyFileRio writes them.
//
// Layout: `#TS:<unix s>` when aof-timestamp-enabled; FUNCTION LOAD <code> per library; then per non-empty db
// SELECT <n> and per key: SET (strings), RPUSH / SADD / ZADD <score> <member>... / HMSET <field> <value>...
// in batches of at most 64 elements, or for a stream XADD per entry (XADD key MAXLEN 0 0-1 x y when it is
// empty), XSETID <last> ENTRIESADDED <n> MAXDELETEDID <id>, and per group (name order) XGROUP CREATE <last>
// ENTRIESREAD <n>, then per consumer (name order) XCLAIM <consumer> 0 <id> TIME <ms> RETRYCOUNT <n> JUSTID
// FORCE per pending entry, or XGROUP CREATECONSUMER when it has none; PEXPIREAT <ms> after a key with a TTL.
// Keys whose time has passed are written too (loading drops them), as Redis does. Scores are printed "%.17g".
// Elements of hashtable-encoded sets and hashes come in corvid's table order and skiplist zsets in score
// order, where Redis uses its (randomly seeded) dict order.
#pragma once
#include <string>

namespace corvid {

// Writes every database as commands (Redis' rewriteAppendOnlyFileRio, command-form AOF base): FUNCTION LOAD for
// each library, then per non-empty db SELECT and, per key, the commands that rebuild it plus PEXPIREAT for its TTL.
// False with *err on a write error.
bool AofWriteDatasetAsCommands(int fd, std::string* err);

}  // namespace corvid
