// WATCH: optimistic locking for MULTI/EXEC. A client's transaction fails when a key it watches is modified
// (by anyone), deleted by FLUSHDB/FLUSHALL/SWAPDB, or expires, between WATCH and EXEC.
#pragma once
#include <string_view>

namespace corvid {

class Client;
class Db;

// c watches key in its current db (a key already watched is not added twice).
void WatchKey(Client& c, std::string_view key);
// Forgets every key c watches and clears its failed state.
void UnwatchAll(Client& c);
// True when a watched key was touched or has expired since it was watched.
bool WatchFailed(Client& c);
// Marks clients watching key in db as failed. Cheap when nobody watches anything.
void TouchWatchedKey(const Db& db, std::string_view key);
// FLUSHDB/FLUSHALL/SWAPDB: fails clients watching a key of db that exists in db or in other (may be null).
void TouchWatchedKeysInDb(Db& db, Db* other);
// True when any client watches any key.
bool AnyWatchedKeys();

}  // namespace corvid
