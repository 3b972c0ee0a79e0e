#include "db/tracking.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "net/client.h"
#include "net/connection.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Default mode: key -> ids of the clients that may cache it.
std::unordered_map<std::string, std::vector<uint64_t>, StringHash, std::equal_to<>> g_keys;
size_t g_items = 0;

// BCAST mode: prefix -> subscribed clients and the keys modified under it since the last flush (key -> id of
// the client that modified it, 0 when it was nobody or several clients, for NOLOOP).
struct PrefixState {
  std::vector<uint64_t> clients;
  std::map<std::string, uint64_t, std::less<>> pending;
};
std::map<std::string, PrefixState, std::less<>> g_prefixes;
bool g_bcast_pending = false;

size_t g_tracking_clients = 0;
Client* g_current = nullptr;
// Held back for g_current until its reply is written: keys, nullopt for a flush (null) message.
std::vector<std::optional<std::string>> g_pending;

Client* FindClient(uint64_t id) {
  auto it = Srv().clients.find(id);
  return it == Srv().clients.end() ? nullptr : it->second;
}

void FlushUnlessCurrent(Client& target) {
  if (&target != g_current && target.conn) target.conn->FlushSoon();
}

// Writes one invalidation for tracker (to its REDIRECT client when it has one): the keys, or a null when
// null_value (flush). A missing redirect client marks the redirection broken and tells the tracker (RESP3).
void Send(Client& tracker, std::span<const std::string_view> keys, bool null_value) {
  Client* target = &tracker;
  bool redirected = tracker.tracking_redirect != 0;
  if (redirected) {
    target = FindClient(tracker.tracking_redirect);
    if (!target) {
      tracker.flags |= kClientTrackingBrokenRedir;
      if (tracker.reply.resp() > 2) {
        tracker.reply.Push(2);
        tracker.reply.Bulk("tracking-redir-broken");
        tracker.reply.Int(static_cast<int64_t>(tracker.tracking_redirect));
        FlushUnlessCurrent(tracker);
      }
      return;
    }
  }
  ReplyBuilder& r = target->reply;
  if (r.resp() > 2) {
    r.Push(2);
    r.Bulk("invalidate");
  } else if (redirected && target->Has(kClientPubSub)) {
    r.Array(3);
    r.Bulk("message");
    r.Bulk("__redis__:invalidate");
  } else {
    return;  // a RESP2 connection cannot receive pushes
  }
  if (null_value) {
    r.Raw(tracker.reply.resp() > 2 ? "_\r\n" : "$-1\r\n");  // the null of the tracker's protocol, as Redis
  } else {
    r.Array(keys.size());
    for (std::string_view k : keys) r.Bulk(k);
  }
  FlushUnlessCurrent(*target);
}

void SendKey(Client& tracker, std::string_view key) { Send(tracker, std::span<const std::string_view>(&key, 1), false); }

// Invalidates key for the clients remembered for it and forgets it.
void InvalidateTracked(std::string_view key) {
  auto it = g_keys.find(key);
  if (it == g_keys.end()) return;
  std::vector<uint64_t> ids = std::move(it->second);
  g_keys.erase(it);
  g_items -= ids.size();
  for (uint64_t id : ids) {
    Client* t = FindClient(id);
    // Keys remembered before the client switched to BCAST (or turned tracking off) are dropped silently.
    if (!t || !t->Has(kClientTracking) || t->Has(kClientTrackingBcast)) continue;
    if (t->Has(kClientTrackingNoloop) && t == g_current) continue;
    if (t == g_current)
      g_pending.emplace_back(std::string(key));
    else
      SendKey(*t, key);
  }
}

// Evicts remembered keys past tracking-table-max-keys, invalidating them for their clients.
void EnforceTableLimit() {
  int64_t max = Cfg().tracking_table_max_keys;
  while (max > 0 && g_keys.size() > static_cast<size_t>(max)) {
    std::string key = g_keys.begin()->first;
    InvalidateTracked(key);
  }
}

void RememberKey(std::string_view key, uint64_t id) {
  auto it = g_keys.find(key);
  if (it == g_keys.end()) it = g_keys.emplace(std::string(key), std::vector<uint64_t>()).first;
  std::vector<uint64_t>& ids = it->second;
  if (std::find(ids.begin(), ids.end(), id) != ids.end()) return;
  ids.push_back(id);
  ++g_items;
}

bool PrefixesOverlap(std::string_view a, std::string_view b) {
  return a.substr(0, b.size()) == b.substr(0, a.size());
}

// The error for prefixes that overlap each other or c's existing ones; empty when none do.
std::string PrefixCollision(const Client& c, std::span<const std::string_view> prefixes) {
  for (size_t i = 0; i < prefixes.size(); ++i) {
    for (const std::string& have : c.tracking_prefixes) {
      if (PrefixesOverlap(prefixes[i], have))
        return fmt::format("ERR Prefix '{}' overlaps with an existing prefix '{}'. Prefixes for a single client "
                           "must not overlap.", prefixes[i], have);
    }
    for (size_t j = i + 1; j < prefixes.size(); ++j) {
      if (PrefixesOverlap(prefixes[i], prefixes[j]))
        return fmt::format("ERR Prefix '{}' overlaps with another provided prefix '{}'. Prefixes for a single "
                           "client must not overlap.", prefixes[i], prefixes[j]);
    }
  }
  return {};
}

void AddBcastPrefix(Client& c, std::string_view prefix) {
  auto it = g_prefixes.find(prefix);
  if (it == g_prefixes.end()) it = g_prefixes.emplace(std::string(prefix), PrefixState()).first;
  it->second.clients.push_back(c.id);
  auto& mine = c.tracking_prefixes;  // kept sorted, as CLIENT TRACKINGINFO lists them
  mine.insert(std::upper_bound(mine.begin(), mine.end(), prefix), std::string(prefix));
}

}  // namespace

std::string TrackingEnable(Client& c, const TrackingOptions& o) {
  if (!o.bcast && !o.prefixes.empty()) return "ERR PREFIX option requires BCAST mode to be enabled";
  if (c.Has(kClientTracking) && c.Has(kClientTrackingBcast) != o.bcast)
    return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
           "re-enabling it with a different mode.";
  if (o.bcast && (o.optin || o.optout)) return "ERR OPTIN and OPTOUT are not compatible with BCAST";
  if (o.optin && o.optout) return "ERR You can't specify both OPTIN mode and OPTOUT mode";
  if ((o.optin && c.Has(kClientTrackingOptout)) || (o.optout && c.Has(kClientTrackingOptin)))
    return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
           "re-enabling it with a different mode.";
  if (o.bcast) {
    std::string collision = PrefixCollision(c, o.prefixes);
    if (!collision.empty()) return collision;
  }
  if (!c.Has(kClientTracking)) ++g_tracking_clients;
  c.flags |= kClientTracking;
  c.flags &= ~(kClientTrackingBrokenRedir | kClientTrackingBcast | kClientTrackingOptin | kClientTrackingOptout |
               kClientTrackingNoloop);
  c.tracking_redirect = o.redirect;
  if (o.bcast) {
    c.flags |= kClientTrackingBcast;
    if (o.prefixes.empty()) AddBcastPrefix(c, "");
    for (std::string_view p : o.prefixes) AddBcastPrefix(c, p);
  }
  if (o.optin) c.flags |= kClientTrackingOptin;
  if (o.optout) c.flags |= kClientTrackingOptout;
  if (o.noloop) c.flags |= kClientTrackingNoloop;
  return {};
}

void TrackingDisable(Client& c) {
  if (!c.Has(kClientTracking)) return;
  for (const std::string& p : c.tracking_prefixes) {
    auto it = g_prefixes.find(p);
    if (it == g_prefixes.end()) continue;
    std::vector<uint64_t>& ids = it->second.clients;
    ids.erase(std::remove(ids.begin(), ids.end(), c.id), ids.end());
    if (ids.empty()) g_prefixes.erase(it);
  }
  c.tracking_prefixes.clear();
  c.tracking_redirect = 0;
  c.flags &= ~(kClientTracking | kClientTrackingBrokenRedir | kClientTrackingBcast | kClientTrackingOptin |
               kClientTrackingOptout | kClientTrackingNoloop | kClientTrackingCaching);
  --g_tracking_clients;
}

void TrackingRememberKeys(Client& c, const Command& cmd, CmdArgs argv) {
  bool caching = c.Has(kClientTrackingCaching);
  if ((c.Has(kClientTrackingOptin) && !caching) || (c.Has(kClientTrackingOptout) && caching)) return;
  ForEachKeyArg(cmd, argv, [&](size_t i, const std::vector<std::string>&) { RememberKey(argv[i], c.id); });
  EnforceTableLimit();
}

void TrackingInvalidateKey(std::string_view key, const Client* writer) {
  if (g_tracking_clients == 0 && g_keys.empty()) return;
  if (!g_prefixes.empty()) {
    for (auto& [prefix, st] : g_prefixes) {
      if (key.substr(0, prefix.size()) != prefix) continue;
      uint64_t id = writer ? writer->id : 0;
      auto [it, added] = st.pending.emplace(std::string(key), id);
      if (!added && it->second != id) it->second = 0;
      g_bcast_pending = true;
    }
  }
  InvalidateTracked(key);
}

void TrackingInvalidateAll(const Client*) {
  if (g_tracking_clients > 0) {
    for (auto& [id, cl] : Srv().clients) {
      if (!cl->Has(kClientTracking)) continue;
      if (cl == g_current)
        g_pending.emplace_back(std::nullopt);
      else
        Send(*cl, {}, true);
    }
  }
  g_keys.clear();
  g_items = 0;
}

void TrackingSetCurrentClient(Client* c) { g_current = c; }

void TrackingSendPending() {
  if (g_pending.empty()) return;
  std::vector<std::optional<std::string>> pending;
  pending.swap(g_pending);
  // Appended after the reply; the current connection writes them with it.
  for (const std::optional<std::string>& k : pending) {
    if (k)
      SendKey(*g_current, *k);
    else
      Send(*g_current, {}, true);
  }
}

void TrackingFlushBroadcasts() {
  if (!g_bcast_pending) return;
  g_bcast_pending = false;
  std::vector<std::string_view> keys;
  for (auto& [prefix, st] : g_prefixes) {
    if (st.pending.empty()) continue;
    for (uint64_t id : st.clients) {
      Client* t = FindClient(id);
      if (!t) continue;
      keys.clear();
      for (const auto& [k, writer] : st.pending)
        if (!(t->Has(kClientTrackingNoloop) && writer == id)) keys.push_back(k);
      if (!keys.empty()) Send(*t, keys, false);
    }
    st.pending.clear();
  }
}

int64_t TrackingRedirect(const Client& c) {
  return c.Has(kClientTracking) ? static_cast<int64_t>(c.tracking_redirect) : -1;
}

bool TrackingActive() { return g_tracking_clients > 0 || !g_keys.empty(); }
size_t TrackingClientCount() { return g_tracking_clients; }
size_t TrackingKeyCount() { return g_keys.size(); }
size_t TrackingItemCount() { return g_items; }
size_t TrackingPrefixCount() { return g_prefixes.size(); }

}  // namespace corvid
