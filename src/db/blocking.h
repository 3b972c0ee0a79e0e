// Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, BLMPOP, ...).
//
// A blocking command that finds nothing calls BlockOnKeys and replies nothing. Writes that may let it proceed
// call SignalKeyReady; after the current command the dispatcher calls ServeBlockedClients, which takes the keys
// in the order they became ready and re-runs the blocked command of each client waiting on one, in arrival
// order. The re-run serves that key only (BlockedRerunKey), as Redis serves a client blocked on several keys
// from the first of them to become ready. A re-run that finds data replies and unblocks the client; one that
// finds nothing calls BlockOnKeys again and keeps its place in the queue.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "commands/command.h"

namespace corvid {

class Db;

enum class BlockTimeoutReply { kNullArray, kNull };

// Parses a timeout in seconds (a float, as Redis 7.0); *deadline_ms is absolute wall-clock ms, 0 = forever.
// Replies the error and returns false on a bad value.
bool ParseBlockTimeout(Client& c, std::string_view arg, int64_t* deadline_ms);
// False inside MULTI/EXEC or a script, where blocking commands act as if they timed out at once.
bool CanBlock(const Client& c);
// Blocks c (which ran args) on keys of its current db until one is signalled or deadline_ms passes.
void BlockOnKeys(Client& c, CmdArgs args, std::span<const std::string_view> keys, int64_t deadline_ms,
                 BlockTimeoutReply on_timeout);
// Blocks c on no key (WAIT) until EndBlockOnEvent. Otherwise on_end(c, reply) is called when the block ends:
// at deadline_ms (0 = forever) or by CLIENT UNBLOCK with reply true (it must reply), by CLIENT UNBLOCK ERROR or a
// disconnection with reply false.
using EventBlockEnd = void (*)(Client& c, bool reply);
void BlockOnEvent(Client& c, CmdArgs args, int64_t deadline_ms, EventBlockEnd on_end);
// Ends c's BlockOnEvent after the caller replied: sends the reply and lets c run its next commands.
void EndBlockOnEvent(Client& c);
// True while c's blocked command is being re-run because a key it waits on was signalled.
bool IsBlockedRerun(const Client& c);
// During c's re-run: the ready key it is served from (the command must look at no other key); else nullptr.
const std::string* BlockedRerunKey(const Client& c);
// Notes that key may now serve blocked clients; cheap when nobody waits on it.
void SignalKeyReady(const Db& db, std::string_view key);
// Serves clients blocked on ready keys (re-running their commands). Cheap when nothing is ready.
extern bool g_keys_ready;
void ServeReadyKeys();
inline void ServeBlockedClients() {
  if (g_keys_ready) ServeReadyKeys();
}
// CLIENT UNBLOCK: ends c's block with its timeout reply, or with the UNBLOCKED error. False if not blocked.
bool UnblockClient(Client& c, bool with_error);
// Forgets a disconnecting client.
void ForgetBlockedClient(Client& c);
// Number of blocked clients (INFO blocked_clients).
size_t BlockedClientCount();
// The bytes of the arguments a blocked client's command keeps (CLIENT LIST argv-mem); 0 when c is not blocked.
size_t BlockedArgvBytes(const Client& c);

}  // namespace corvid
