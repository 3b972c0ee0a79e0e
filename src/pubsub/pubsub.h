// Pub/Sub and MONITOR state: who is subscribed to which channel / pattern / shard channel, message delivery,
// the RESP2 subscribed-mode command filter and the MONITOR feed.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"

namespace corvid {

class Client;

// The three subscription namespaces. Redis keeps shard channels apart from plain channels even outside a
// cluster: SPUBLISH reaches only SSUBSCRIBErs, PUBLISH only SUBSCRIBErs and PSUBSCRIBErs.
enum PubSubKind : int { kSubChannel = 0, kSubPattern = 1, kSubShard = 2 };

// ---- hooks for the dispatcher, CLIENT and INFO ----

// The subscribed-mode / monitor filter Redis' processCommand applies before running (or queueing) a command:
//  - a MONITOR client may not run commands flagged write, readonly or may_replicate
//    ("ERR Replica can't interact with the keyspace");
//  - a RESP2 client with any subscription may run only (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT, RESET.
// Returns true when cmd may run. Otherwise replies Redis' exact error, counts it for errorstats, marks a
// MULTI transaction dirty and returns false (the caller then counts the rejection and stops).
// Commands run by EXEC (kClientDenyBlocking set) are not filtered, as Redis does not re-check them.
bool PubSubAllows(Client& c, const Command& cmd);

// True when at least one client is in MONITOR mode (cheap check before FeedMonitors).
bool MonitorsActive();
// Sends "+<sec>.<usec> [<db> <addr>] "arg" ..." to every MONITOR client, as Redis' replicationFeedMonitors:
// args quoted as sdscatrepr does, passwords of AUTH / HELLO AUTH / MIGRATE AUTH|AUTH2 shown as "(redacted)",
// <addr> is ip:port, "unix:<unixsocket>" for unix socket clients and "lua" for clients without a connection
// (scripts). <db> is c's selected db at the time of the call.
// REQUIRES: called after the command ran (Redis 7.0 feeds after execution), and only for commands without
// the admin / skip_monitor flags.
void FeedMonitors(const Client& c, CmdArgs argv);
// Which arguments of argv Redis shows as "(redacted)" in the MONITOR feed and the slow log (AUTH passwords,
// HELLO AUTH, MIGRATE AUTH / AUTH2, every ACL SETUSER argument); one flag per argument.
std::vector<bool> RedactedArgs(CmdArgs argv);

// Number of subscriptions c holds of the given PubSubKind (CLIENT LIST sub= / psub= / ssub=).
int SubscriptionCount(const Client& c, int kind);

// Drops every subscription of c and stops it monitoring, without replying; clears kClientPubSub and
// kClientMonitor. For disconnects and RESET.
void PubSubForget(Client& c);

// Server-wide counts for INFO stats.
size_t PubSubChannelCount();       // pubsub_channels
size_t PubSubPatternCount();       // pubsub_patterns
size_t PubSubShardChannelCount();  // pubsubshard_channels

// ---- the operations (used by the PUBSUB family; PubSubPublish also by keyspace notifications) ----

// Delivers message on channel: to SUBSCRIBErs ("message") and matching PSUBSCRIBErs ("pmessage"), or with
// shard set only to SSUBSCRIBErs ("smessage"). Each frame is serialised once per protocol and appended to
// every receiver's output, which is written before the loop next waits (Connection::FlushSoon); a receiver
// whose output passes its limit is closed then. Returns the number of deliveries (PUBLISH's reply).
size_t PubSubPublish(std::string_view channel, std::string_view message, bool shard = false);

// Subscribes c to name of the given kind; false if it already was.
bool PubSubSubscribe(Client& c, int kind, std::string_view name);
// Unsubscribes c from name; false if it was not subscribed.
bool PubSubUnsubscribe(Client& c, int kind, std::string_view name);
// c's subscriptions of a kind (for UNSUBSCRIBE without arguments).
std::vector<std::string> PubSubClientNames(const Client& c, int kind);
// Active channels / shard channels (with at least one subscriber) matching pattern (all when pattern is null).
std::vector<std::string_view> PubSubActive(int kind, const std::string_view* pattern);
// Number of subscribers of a channel / shard channel.
size_t PubSubSubscriberCount(int kind, std::string_view name);
// Starts monitoring for c.
void MonitorAdd(Client& c);

}  // namespace corvid
