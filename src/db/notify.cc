#include "db/notify.h"

#include <string>

#include "pubsub/pubsub.h"

namespace corvid {

void NotifyKeyspaceEvent(int type, std::string_view event, std::string_view key, int dbid) {
  int flags = Cfg().notify_keyspace_events;
  if (!(flags & type)) return;
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

}  // namespace corvid
