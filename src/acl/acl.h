// The server's ACL state: the users (the `default` user among them), authentication, the ACL LOG, the ACL file
// and the `user` config lines. Loop thread only.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "acl/user.h"

namespace corvid {
class Client;
}

namespace corvid::acl {

// Registers the `user` config directive (lines validated and kept for LoadUsersAtStartup), the `user` lines of
// CONFIG REWRITE and the requirepass hook. REQUIRES: called before the config file is read, after
// RegisterAllFamilies.
void RegisterConfigDirectives();
// Creates the default user (on nopass ~* &* +@all, then requirepass), then the users of the config file or of
// `aclfile` (not both). False with *err = the message Redis logs before exiting.
bool LoadUsersAtStartup(std::string* err);

User& DefaultUser();
// The user of clients without a connection (scripts' own client, AOF loading): allowed everything, as Redis' NULL
// user, so the dispatcher's check is one branch.
User* UnrestrictedUser();
// nullptr if there is no such user.
User* FindUser(std::string_view name);
// Every user, by name (ACL LIST / USERS order).
const std::map<std::string, std::unique_ptr<User>, std::less<>>& AllUsers();

// True while new connections must AUTH (the default user has passwords or is off). Cheap.
bool AuthRequired();
// Puts a new (or RESET) client on the default user, authenticated when it is `on nopass`.
void SetDefaultAuth(Client& c);
// AUTH / HELLO AUTH: on success c is authenticated as user; on failure the attempt goes to the ACL LOG (object =
// argv0, the command as typed). REQUIRES: c is the client running the command.
bool Authenticate(Client& c, std::string_view argv0, std::string_view user, std::string_view pass);
// requirepass: the default user gets resetpass + >pass, or nopass when pass is empty.
void SetDefaultPassword(std::string_view pass);

// ACL SETUSER: applies every rule to a copy of the user (or a new one) and commits all or none. Pub/sub clients
// of the user whose subscriptions the new rules refuse are disconnected. False with *err = the error reply.
bool SetUser(std::string_view name, std::span<const std::string_view> rules, std::string* err);
// ACL DELUSER: removes the users that exist (none when one is "default": false), disconnecting their clients
// (caller after its reply). Returns how many were removed.
bool DelUsers(Client& caller, std::span<const std::string_view> names, int64_t* deleted, std::string* err);
// ACL LOAD: replaces every user with the file's (all or nothing); clients of non-default users are disconnected.
// False with *err = the one-line description of the problems found.
bool LoadFile(Client* caller, std::string* err);
// ACL SAVE: writes every user to `aclfile` (temp file + rename). False on an I/O error (logged).
bool SaveFile();

// ---- ACL LOG ----
enum class LogContext { kToplevel, kMulti, kLua };
struct LogEntry {
  uint64_t count = 1;
  Denial reason;
  LogContext context;
  std::string object, username, client_info;
  int64_t ctime_ms;
};
// Records a denial (or failed AUTH) by c, merged into a similar entry of the last minute as Redis does; the
// log keeps acllog-max-len entries, newest first.
void AddLogEntry(const Client& c, Denial reason, LogContext context, std::string object, std::string_view username);
const std::deque<LogEntry>& Log();
void ResetLog();

}  // namespace corvid::acl
