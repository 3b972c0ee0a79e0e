// Runs one parsed command for a client: lookup → arity → auth → call → stats.
#pragma once
#include <string_view>

#include "commands/command.h"

namespace corvid {

class Db;

// Runs argv (argv[0] = command name) for c and appends the reply to c's output buffer.
void Dispatch(Client& c, CmdArgs argv);
// True when clients must authenticate (requirepass set).
bool AuthRequired();
// True while CLIENT PAUSE ALL holds every command back.
bool ClientIsPaused(const Client& c);
// True while CLIENT PAUSE WRITE holds argv back (a write or may-replicate command, or the EXEC of a
// transaction that has one).
bool WriteIsPaused(const Client& c, CmdArgs argv);
// Counts an error reply by its prefix for INFO stats/errorstats. Empty prefix: nothing.
void CountError(std::string_view prefix);
// Ends c's MULTI state: drops the queue and the watched keys.
void DiscardTransaction(Client& c);
// A key was modified (by c, or by nobody for expiry/eviction): fails its WATCHers, invalidates its cachers.
void SignalModifiedKey(const Client* c, const Db& db, std::string_view key);
// Called when a client disconnects (frees per-client server state).
void OnClientClosed(Client& c);

}  // namespace corvid
