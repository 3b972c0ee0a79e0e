#include "db/watch.h"

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "db/db.h"
#include "net/client.h"
#include "server/server.h"

namespace corvid {

namespace {

using DbKey = std::pair<int, std::string>;

struct Watched {
  DbKey key;
  bool existed;  // the key was live when watched (an expiry of a watched key fails EXEC, as Redis 7.0)
};

struct ClientWatch {
  std::vector<Watched> keys;
  bool failed = false;
};

std::map<DbKey, std::vector<Client*>> g_watchers;
std::unordered_map<Client*, ClientWatch> g_clients;

void FailWatchers(const DbKey& k) {
  auto it = g_watchers.find(k);
  if (it == g_watchers.end()) return;
  for (Client* c : it->second) g_clients[c].failed = true;
}

}  // namespace

bool AnyWatchedKeys() { return !g_watchers.empty(); }

void WatchKey(Client& c, std::string_view key) {
  DbKey k{c.db_index(), std::string(key)};
  ClientWatch& w = g_clients[&c];
  for (const Watched& x : w.keys)
    if (x.key == k) return;
  w.keys.push_back({k, c.db().Find(key) != nullptr});
  g_watchers[k].push_back(&c);
}

void UnwatchAll(Client& c) {
  auto it = g_clients.find(&c);
  if (it == g_clients.end()) return;
  for (const Watched& x : it->second.keys) {
    auto w = g_watchers.find(x.key);
    if (w == g_watchers.end()) continue;
    std::erase(w->second, &c);
    if (w->second.empty()) g_watchers.erase(w);
  }
  g_clients.erase(it);
}

bool WatchFailed(Client& c) {
  auto it = g_clients.find(&c);
  if (it == g_clients.end()) return false;
  if (it->second.failed) return true;
  for (const Watched& x : it->second.keys) {
    if (!x.existed) continue;
    KeyEntry* e = GetDb(x.key.first).keys().Find(x.key.second);
    if (e && GetDb(x.key.first).IsExpired(e)) return true;
  }
  return false;
}

void TouchWatchedKey(const Db& db, std::string_view key) {
  if (g_watchers.empty()) return;
  FailWatchers(DbKey{db.index(), std::string(key)});
}

void TouchWatchedKeysInDb(Db& db, Db* other) {
  if (g_watchers.empty()) return;
  for (auto& [k, clients] : g_watchers) {
    if (k.first != db.index() && !(other && k.first == other->index())) continue;
    bool exists = db.keys().Find(k.second) || (other && other->keys().Find(k.second));
    if (exists)
      for (Client* c : clients) g_clients[c].failed = true;
  }
}

}  // namespace corvid
