// Client-side caching (CLIENT TRACKING): which clients may cache which keys, and the invalidation messages.
//
// Default mode: after a read-only command, the keys it read are remembered for the client (subject to
// OPTIN/OPTOUT and CLIENT CACHING); the first write to such a key sends the client one invalidation message and
// forgets the key. BCAST mode: clients subscribe to key prefixes and hear about every modified key under them;
// those keys are collected and sent in one message per prefix by TrackingFlushBroadcasts.
//
// Messages go to the client itself over RESP3 (a push ["invalidate", [keys]] or [..., null] on a flush), or to
// the REDIRECT client: as a push if it speaks RESP3, as a "message" on __redis__:invalidate if it is a RESP2
// subscriber. Messages for the client whose command is running are held back until its reply is written
// (TrackingSendPending), as Redis 7.0 does.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "commands/command.h"

namespace corvid {

class Client;

struct TrackingOptions {
  uint64_t redirect = 0;
  bool bcast = false, optin = false, optout = false, noloop = false;
  std::span<const std::string_view> prefixes;
};

// CLIENT TRACKING ON: checks the options against each other and against c's current state; on success
// enables tracking and returns an empty string, else returns Redis' error text (without the leading '-').
std::string TrackingEnable(Client& c, const TrackingOptions& o);
// CLIENT TRACKING OFF (also on disconnect and RESET).
void TrackingDisable(Client& c);

// Remembers the keys argv (run by c, read-only) read, when c tracks in default mode and its
// OPTIN/OPTOUT/CACHING state asks for it.
void TrackingRememberKeys(Client& c, const Command& cmd, CmdArgs argv);
// A key was modified by writer (nullptr: expiry, eviction): sends invalidations and queues BCAST keys.
void TrackingInvalidateKey(std::string_view key, const Client* writer);
// FLUSHDB/FLUSHALL: every tracking client gets a null invalidation; the table is emptied.
void TrackingInvalidateAll(const Client* writer);
// The client running the outermost command (nullptr between commands); its own messages wait for its reply.
void TrackingSetCurrentClient(Client* c);
// Sends the messages held back for the current client (after its command's reply).
void TrackingSendPending();
// Sends the BCAST messages for the keys modified since the last call (one per prefix and client).
void TrackingFlushBroadcasts();
// True when any client tracks (cheap check for the dispatcher).
bool TrackingActive();

// CLIENT GETREDIR / CLIENT LIST redir=: the REDIRECT id (0 without one) while tracking, else -1.
int64_t TrackingRedirect(const Client& c);

// INFO figures.
size_t TrackingClientCount();  // tracking_clients
size_t TrackingKeyCount();     // tracking_total_keys
size_t TrackingItemCount();    // tracking_total_items (key, client) pairs
size_t TrackingPrefixCount();  // tracking_total_prefixes

}  // namespace corvid
