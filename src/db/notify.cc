#include "db/notify.h"

#include <string>

#include "db/db.h"
#include "pubsub/pubsub.h"

namespace corvid {

void PublishKeyspaceEvent(int, std::string_view event, std::string_view key, int dbid) {
  int flags = Cfg().notify_keyspace_events;
  std::string channel;
  std::string db = std::to_string(dbid);
  if (flags & kNotifyKeyspace) {
    channel.append("__keyspace@").append(db).append("__:").append(key);
    PubSubPublish(channel, event);
  }
  if (flags & kNotifyKeyevent) {
    channel.assign("__keyevent@").append(db).append("__:").append(event);
    PubSubPublish(channel, key);
  }
}

void NotifyMaybeEmptied(int type, std::string_view event, std::string_view key, Db& db) {
  NotifyKeyspaceEvent(type, event, key, db.index());
  if ((Cfg().notify_keyspace_events & kNotifyGeneric) && !db.Find(key))
    NotifyKeyspaceEvent(kNotifyGeneric, "del", key, db.index());
}

}  // namespace corvid
