// Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH SSUBSCRIBE SUNSUBSCRIBE SPUBLISH
// PUBSUB (CHANNELS NUMSUB NUMPAT SHARDCHANNELS SHARDNUMSUB HELP), and MONITOR.
#include <string>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "pubsub/pubsub.h"

namespace corvid {

namespace {

// The count a (un)subscribe reply carries: channels + patterns for the classic kinds, shard channels alone
// for the shard kind (as Redis' pubsubType.subscriptionCount).
int64_t ReplyCount(const Client& c, int kind) {
  if (kind == kSubShard) return SubscriptionCount(c, kSubShard);
  return SubscriptionCount(c, kSubChannel) + SubscriptionCount(c, kSubPattern);
}

// ["subscribe", name, count] as an array in RESP2 and a push in RESP3. name == nullptr gives a null.
void ReplySubscription(Client& c, std::string_view verb, const std::string_view* name, int kind) {
  c.reply.Push(3);
  c.reply.Bulk(verb);
  if (name) {
    c.reply.Bulk(*name);
  } else {
    c.reply.Null();
  }
  c.reply.Int(ReplyCount(c, kind));
}

int64_t TotalSubscriptions(const Client& c) {
  return SubscriptionCount(c, kSubChannel) + SubscriptionCount(c, kSubPattern) + SubscriptionCount(c, kSubShard);
}

void SubscribeKind(Client& c, CmdArgs args, int kind, std::string_view verb) {
  for (size_t j = 1; j < args.size(); ++j) {
    PubSubSubscribe(c, kind, args[j]);
    ReplySubscription(c, verb, &args[j], kind);
  }
  c.flags |= kClientPubSub;
}

void UnsubscribeKind(Client& c, CmdArgs args, int kind, std::string_view verb) {
  if (args.size() == 1) {
    std::vector<std::string> names = PubSubClientNames(c, kind);
    if (names.empty()) ReplySubscription(c, verb, nullptr, kind);
    for (const std::string& n : names) {
      PubSubUnsubscribe(c, kind, n);
      std::string_view v = n;
      ReplySubscription(c, verb, &v, kind);
    }
  } else {
    for (size_t j = 1; j < args.size(); ++j) {
      PubSubUnsubscribe(c, kind, args[j]);
      ReplySubscription(c, verb, &args[j], kind);
    }
  }
  if (TotalSubscriptions(c) == 0) c.flags &= ~kClientPubSub;
}

// ---- handlers ----

void SubscribeCmd(Client& c, CmdArgs args) { SubscribeKind(c, args, kSubChannel, "subscribe"); }
void PsubscribeCmd(Client& c, CmdArgs args) { SubscribeKind(c, args, kSubPattern, "psubscribe"); }

// Unlike SUBSCRIBE, SSUBSCRIBE is refused inside EXEC (Redis checks CLIENT_DENY_BLOCKING without the MULTI
// exception).
void SsubscribeCmd(Client& c, CmdArgs args) {
  if (c.Has(kClientDenyBlocking)) return c.reply.Error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  SubscribeKind(c, args, kSubShard, "ssubscribe");
}

void UnsubscribeCmd(Client& c, CmdArgs args) { UnsubscribeKind(c, args, kSubChannel, "unsubscribe"); }
void PunsubscribeCmd(Client& c, CmdArgs args) { UnsubscribeKind(c, args, kSubPattern, "punsubscribe"); }
void SunsubscribeCmd(Client& c, CmdArgs args) { UnsubscribeKind(c, args, kSubShard, "sunsubscribe"); }

void PublishCmd(Client& c, CmdArgs args) {
  c.reply.Int(static_cast<int64_t>(PubSubPublish(args[1], args[2], false)));
}

void SpublishCmd(Client& c, CmdArgs args) {
  c.reply.Int(static_cast<int64_t>(PubSubPublish(args[1], args[2], true)));
}

// CHANNELS / SHARDCHANNELS [pattern]; more arguments get Redis' subcommand syntax error (naming the
// subcommand as the client typed it).
void ReplyActive(Client& c, CmdArgs args, int kind) {
  if (args.size() > 3) return ReplySubcommandSyntaxError(c, args);
  const std::string_view* pattern = args.size() == 3 ? &args[2] : nullptr;
  std::vector<std::string_view> names = PubSubActive(kind, pattern);
  c.reply.Array(names.size());
  for (std::string_view n : names) c.reply.Bulk(n);
}

void ReplyNumsub(Client& c, CmdArgs args, int kind) {
  c.reply.Array((args.size() - 2) * 2);
  for (size_t j = 2; j < args.size(); ++j) {
    c.reply.Bulk(args[j]);
    c.reply.Int(static_cast<int64_t>(PubSubSubscriberCount(kind, args[j])));
  }
}

void PubsubChannelsCmd(Client& c, CmdArgs args) { ReplyActive(c, args, kSubChannel); }
void PubsubShardchannelsCmd(Client& c, CmdArgs args) { ReplyActive(c, args, kSubShard); }
void PubsubNumsubCmd(Client& c, CmdArgs args) { ReplyNumsub(c, args, kSubChannel); }
void PubsubShardnumsubCmd(Client& c, CmdArgs args) { ReplyNumsub(c, args, kSubShard); }
void PubsubNumpatCmd(Client& c, CmdArgs) { c.reply.Int(static_cast<int64_t>(PubSubPatternCount())); }

void PubsubHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "PUBSUB",
            {"CHANNELS [<pattern>]",
             "    Return the currently active channels matching a <pattern> (default: '*').",
             "NUMPAT",
             "    Return number of subscriptions to patterns.",
             "NUMSUB [<channel> ...]",
             "    Return the number of subscribers for the specified channels, excluding",
             "    pattern subscriptions(default: no channels).",
             "SHARDCHANNELS [<pattern>]",
             "    Return the currently active shard level channels matching a <pattern> (default: '*').",
             "SHARDNUMSUB [<shardchannel> ...]",
             "    Return the number of subscribers for the specified shard level channel(s)"});
}

// MONITOR: a second MONITOR on the same connection is ignored without a reply, as Redis does.
void MonitorCmd(Client& c, CmdArgs) {
  if (c.Has(kClientDenyBlocking)) return c.reply.Error("ERR MONITOR isn't allowed for DENY BLOCKING client");
  if (c.Has(kClientMonitor)) return;
  MonitorAdd(c);
  c.reply.Ok();
}

constexpr CommandRow kRows[] = {
    {"subscribe", -2, "pubsub noscript loading stale", 0, 0, 0, "@pubsub @slow", SubscribeCmd, "", "channel...",
     "2.0.0", "Listens for messages published to channels"},
    {"unsubscribe", -1, "pubsub noscript loading stale", 0, 0, 0, "@pubsub @slow", UnsubscribeCmd, "",
     "channel...?", "2.0.0", "Stops listening to channels (all of them without arguments)"},
    {"psubscribe", -2, "pubsub noscript loading stale", 0, 0, 0, "@pubsub @slow", PsubscribeCmd, "",
     "pattern{pattern:pattern}...", "2.0.0", "Listens for messages published to channels matching patterns"},
    {"punsubscribe", -1, "pubsub noscript loading stale", 0, 0, 0, "@pubsub @slow", PunsubscribeCmd, "",
     "pattern:pattern...?", "2.0.0", "Stops listening to channel patterns (all of them without arguments)"},
    {"publish", 3, "pubsub loading stale fast", 0, 0, 0, "@pubsub @fast", PublishCmd, "", "channel message",
     "2.0.0", "Posts a message to a channel"},
    {"pubsub", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "2.8.0", "Container of the Pub/Sub introspection commands"},
    {"pubsub|numsub", -2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", PubsubNumsubCmd, "", "channel...?",
     "2.8.0", "Returns the subscriber counts of channels"},
    {"pubsub|channels", -2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", PubsubChannelsCmd, "",
     "pattern:pattern?", "2.8.0", "Lists the active channels"},
    {"pubsub|help", 2, "loading stale", 0, 0, 0, "@slow", PubsubHelpCmd, "", "", "6.2.0",
     "Lists the PUBSUB subcommands"},
    {"pubsub|shardnumsub", -2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", PubsubShardnumsubCmd, "",
     "shardchannel...?", "7.0.0", "Returns the subscriber counts of shard channels"},
    {"pubsub|numpat", 2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", PubsubNumpatCmd, "", "", "2.8.0",
     "Returns the number of subscribed patterns"},
    {"pubsub|shardchannels", -2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", PubsubShardchannelsCmd, "",
     "pattern:pattern?", "7.0.0", "Lists the active shard channels"},
    {"ssubscribe", -2, "pubsub noscript loading stale", 1, -1, 1, "@pubsub @slow", SsubscribeCmd, "not_key",
     "shardchannel...", "7.0.0", "Listens for messages published to shard channels"},
    {"sunsubscribe", -1, "pubsub noscript loading stale", 1, -1, 1, "@pubsub @slow", SunsubscribeCmd, "not_key",
     "shardchannel...?", "7.0.0", "Stops listening to shard channels (all of them without arguments)"},
    {"spublish", 3, "pubsub loading stale fast", 1, 1, 1, "@pubsub @fast", SpublishCmd, "not_key",
     "shardchannel message", "7.0.0", "Posts a message to a shard channel"},
    {"monitor", 1, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", MonitorCmd, "", "", "1.0.0",
     "Streams every command the server runs"},
};

}  // namespace

void RegisterPubsubFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
