// Keyspace notifications (notify-keyspace-events): every family reports its events here after a successful
// change, with Redis' event names ("set", "lpush", "expired", ...). Nothing is published unless the server's
// flags select the event's class and at least one of K / E.
#pragma once
#include <string_view>

#include "server/config.h"

namespace corvid {

class Db;

// Publishes the event unconditionally (NotifyKeyspaceEvent checks the flags first).
void PublishKeyspaceEvent(int type, std::string_view event, std::string_view key, int dbid);

// Publishes "__keyspace@<db>__:<key>" → event (K) and "__keyevent@<db>__:<event>" → key (E) when the class
// bit `type` (a NotifyFlag such as kNotifyString) is enabled. Cheap when notifications are off.
inline void NotifyKeyspaceEvent(int type, std::string_view event, std::string_view key, int dbid) {
  if (Cfg().notify_keyspace_events & type) PublishKeyspaceEvent(type, event, key, dbid);
}

// Reports event on key, then "del" when the key no longer exists in db (the write emptied a collection and
// removed it), in Redis' order.
void NotifyMaybeEmptied(int type, std::string_view event, std::string_view key, Db& db);

}  // namespace corvid
