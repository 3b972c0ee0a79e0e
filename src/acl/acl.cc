#include "acl/acl.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "commands/client_info.h"
#include "corvid/errors.h"
#include "net/client.h"
#include "net/connection.h"
#include "pubsub/pubsub.h"
#include "server/config.h"
#include "server/log.h"
#include "server/server.h"

namespace corvid::acl {

namespace {

using UserMap = std::map<std::string, std::unique_ptr<User>, std::less<>>;

struct State {
  UserMap users;
  User* default_user = nullptr;
  bool auth_required = false;
  std::deque<LogEntry> log;
  std::vector<std::vector<std::string>> users_to_load;  // `user` config lines: name, then the merged rules
};

State& St() {
  static State s;
  return s;
}

bool ChannelsDefaultAll() { return Cfg().acl_pubsub_default == AclPubsubDefault::kAllChannels; }

bool HasSpaces(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) { return ch == 0 || isspace(static_cast<unsigned char>(ch)); });
}

void RefreshAuthRequired() {
  const User& d = *St().default_user;
  St().auth_required = !(d.flags & kUserNopass) || (d.flags & kUserOff);
}

// Every change to a user goes through here: it refreshes the cached flags the dispatcher reads.
void Commit(User& u) {
  u.Refresh();
  if (&u == St().default_user) RefreshAuthRequired();
}

std::unique_ptr<User> MakeDefaultUser() {
  auto u = std::make_unique<User>(NewUser("default", ChannelsDefaultAll()));
  for (std::string_view r : {"+@all", "~*", "&*", "on", "nopass"}) u->Apply(r, false);
  u->Refresh();
  return u;
}

// Disconnects the clients authenticated as u (the caller after its reply) and puts them back on the default user
// unauthenticated, as Redis' ACLFreeUserAndKillClients.
void KillClientsOf(const User* u, Client* caller) {
  std::vector<Client*> victims;
  for (auto& [id, cl] : Srv().clients)
    if (cl->user == u) victims.push_back(cl);
  for (Client* cl : victims) {
    cl->user = St().default_user;
    cl->authenticated = false;
    if (cl == caller)
      cl->flags |= kClientCloseAfterReply;
    else if (cl->conn)
      cl->conn->Close();
  }
}

// Redis' ACLKillPubsubClientsIfNeeded: after SETUSER, pub/sub clients of the user holding a subscription the new
// channel rules do not list are disconnected.
void KillPubsubClientsIfNeeded(const User& updated, const User& original) {
  std::vector<std::string> upcoming;
  for (size_t i = 0; i <= updated.selectors.size(); ++i) {
    const Selector& s = i == 0 ? updated.root : updated.selectors[i - 1];
    if (s.allchannels) return;
    upcoming.insert(upcoming.end(), s.channels.begin(), s.channels.end());
  }
  bool superset = true;
  for (size_t i = 0; i <= original.selectors.size() && superset; ++i) {
    const Selector& s = i == 0 ? original.root : original.selectors[i - 1];
    for (const std::string& ch : s.channels)
      if (std::find(upcoming.begin(), upcoming.end(), ch) == upcoming.end()) superset = false;
  }
  if (superset) return;
  User probe;
  probe.root.channels = upcoming;
  std::vector<Client*> victims;
  for (auto& [id, cl] : Srv().clients) {
    if (cl->user != &original || !cl->Has(kClientPubSub)) continue;
    bool kill = false;
    for (const std::string& p : PubSubClientNames(*cl, kSubPattern)) kill = kill || !ChannelAllowed(probe, p, true);
    for (int kind : {kSubChannel, kSubShard})
      for (const std::string& ch : PubSubClientNames(*cl, kind)) kill = kill || !ChannelAllowed(probe, ch, false);
    if (kill) victims.push_back(cl);
  }
  for (Client* cl : victims)
    if (cl->conn) cl->conn->Close();
}

// Validates a `user` config line as Redis' ACLAppendUserForLoading (unknown commands are reported at start-up).
bool UserDirective(std::span<const std::string> argv, std::string* err) {
  State& st = St();
  for (const auto& pending : st.users_to_load) {
    if (pending[0] == argv[1]) {
      *err = fmt::format(fmt::runtime(err::kAclUserDeclaration), argv[1], err::kAclDuplicateUser);
      return false;
    }
  }
  std::vector<std::string> rules(argv.begin() + 2, argv.end()), merged;
  size_t bad = 0;
  if (!MergeSelectorArgs(rules, &merged, &bad)) {
    *err = fmt::format(fmt::runtime(err::kAclUserDeclaration), argv[bad], err::kAclSyntax);
    return false;
  }
  User fake = NewUser("", ChannelsDefaultAll());
  for (size_t j = 0; j < merged.size(); ++j) {
    RuleError e = fake.Apply(merged[j], ChannelsDefaultAll());
    if (e != RuleError::kNone && e != RuleError::kUnknownCommand) {
      // Redis names argv[j] of the whole line here (so "user", the name, then the rules).
      *err = fmt::format(fmt::runtime(err::kAclUserDeclaration), argv[j], RuleErrorText(e));
      return false;
    }
  }
  merged.insert(merged.begin(), argv[1]);
  st.users_to_load.push_back(std::move(merged));
  return true;
}

std::vector<std::string> UserRewriteLines() {
  std::vector<std::string> lines;
  for (const auto& [name, u] : St().users) lines.push_back("user " + name + " " + u->Describe());
  return lines;
}

// Redis' ACLLoadConfiguredUsers.
bool LoadConfiguredUsers(std::string* err) {
  State& st = St();
  for (const auto& rules : st.users_to_load) {
    const std::string& name = rules[0];
    if (HasSpaces(name)) {
      *err = std::string(err::kAclUsernameSpacesConfig);
      return false;
    }
    User* u = FindUser(name);
    if (!u) {
      u = st.users.emplace(name, std::make_unique<User>(NewUser(name, ChannelsDefaultAll()))).first->second.get();
    } else {
      u->Apply("reset", ChannelsDefaultAll());
    }
    for (size_t j = 1; j < rules.size(); ++j) {
      RuleError e = u->Apply(rules[j], ChannelsDefaultAll());
      if (e != RuleError::kNone) {
        LogWarning("Error loading ACL rule '{}' for the user named '{}': {}", rules[j], name, RuleErrorText(e));
        *err = std::string(err::kAclCriticalLoad);
        return false;
      }
    }
    Commit(*u);
    if (u->flags & kUserOff)
      LogNotice("The user '{}' is disabled (there is no 'on' modifier in the user description). Make sure this is "
                "not a configuration error.", name);
  }
  return true;
}

// Parses the ACL file into a fresh user set (Redis' ACLLoadFromFile); "" when it loaded cleanly. *opened is false
// when the file could not be read (the error is then the only problem reported).
std::string ReadAclFile(UserMap* out, bool* opened) {
  const std::string& path = Cfg().aclfile;
  FILE* fp = std::fopen(path.c_str(), "r");
  *opened = fp != nullptr;
  if (!fp) return fmt::format(fmt::runtime(err::kAclFileOpen), path, std::strerror(errno));
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), fp)) > 0) text.append(buf, n);
  std::fclose(fp);
  std::string errors;
  size_t linenum = 0, pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line(text.data() + pos, eol - pos);
    pos = eol + 1;
    ++linenum;
    while (!line.empty() && strchr(" \t\r\n", line.front())) line.remove_prefix(1);
    while (!line.empty() && strchr(" \t\r\n", line.back())) line.remove_suffix(1);
    if (line.empty()) continue;
    std::vector<std::string> argv;
    for (size_t start = 0;;) {  // split on single spaces, as sdssplitlen
      size_t sp = line.find(' ', start);
      argv.emplace_back(line.substr(start, sp == std::string_view::npos ? std::string_view::npos : sp - start));
      if (sp == std::string_view::npos) break;
      start = sp + 1;
    }
    if (argv[0] != "user" || argv.size() < 2) {
      errors += fmt::format(fmt::runtime(err::kAclFileNoUser), path, linenum);
      continue;
    }
    if (HasSpaces(argv[1])) {
      errors += fmt::format(fmt::runtime(err::kAclFileBadName), path, linenum, argv[1]);
      continue;
    }
    if (out->count(argv[1])) {
      errors += fmt::format(fmt::runtime(err::kAclFileDuplicate), argv[1], linenum);
      continue;
    }
    User& u = *out->emplace(argv[1], std::make_unique<User>(NewUser(argv[1], ChannelsDefaultAll())))
                   .first->second;
    std::vector<std::string> rules(argv.begin() + 2, argv.end()), merged;
    size_t bad = 0;
    if (!MergeSelectorArgs(rules, &merged, &bad))
      errors += fmt::format(fmt::runtime(err::kAclFileUnmatchedParen), path, linenum);
    for (std::string& r : merged) {
      while (!r.empty() && strchr("\t\r\n", r.back())) r.pop_back();
      RuleError e = u.Apply(r, ChannelsDefaultAll());
      if (e != RuleError::kNone)
        errors += fmt::format(fmt::runtime(err::kAclFileRule), path, linenum, RuleErrorText(e));
    }
    u.Refresh();
  }
  return errors;
}

}  // namespace

void RegisterConfigDirectives() {
  SetDirectiveHandler("user", UserDirective);
  SetRewriteProvider("user", UserRewriteLines);
  SetConfigApplyHook("requirepass", [](std::string*) {
    SetDefaultPassword(Cfg().requirepass);
    return true;
  });
}

bool LoadUsersAtStartup(std::string* err) {
  State& st = St();
  st.users.clear();
  st.default_user = st.users.emplace("default", MakeDefaultUser()).first->second.get();
  SetDefaultPassword(Cfg().requirepass);
  if (!Cfg().aclfile.empty() && !st.users_to_load.empty()) {
    *err = std::string(err::kAclUsersAndFile);
    return false;
  }
  if (!LoadConfiguredUsers(err)) return false;
  if (!Cfg().aclfile.empty() && !LoadFile(nullptr, err)) {
    *err = fmt::format(fmt::runtime(err::kAclStartupAbort), *err);
    return false;
  }
  return true;
}

User& DefaultUser() { return *St().default_user; }

User* UnrestrictedUser() {
  static User* u = MakeDefaultUser().release();  // never freed: clients may outlive static destruction
  return u;
}

User* FindUser(std::string_view name) {
  auto it = St().users.find(name);
  return it == St().users.end() ? nullptr : it->second.get();
}

const UserMap& AllUsers() { return St().users; }

bool AuthRequired() { return St().auth_required; }

void SetDefaultAuth(Client& c) {
  c.user = St().default_user ? St().default_user : UnrestrictedUser();  // no users yet: unit tests
  c.authenticated = !AuthRequired();
}

bool Authenticate(Client& c, std::string_view argv0, std::string_view user, std::string_view pass) {
  User* u = FindUser(user);
  if (u && !(u->flags & kUserOff) && u->CheckPassword(pass)) {
    c.authenticated = true;
    c.user = u;
    return true;
  }
  AddLogEntry(c, Denial::kAuth, c.Has(kClientMulti) ? LogContext::kMulti : LogContext::kToplevel,
              std::string(argv0), user);
  return false;
}

void SetDefaultPassword(std::string_view pass) {
  User& d = DefaultUser();
  d.Apply("resetpass", false);
  d.Apply(pass.empty() ? std::string("nopass") : ">" + std::string(pass), false);
  Commit(d);
}

bool SetUser(std::string_view name, std::span<const std::string_view> rules, std::string* err) {
  if (HasSpaces(name)) {
    *err = std::string(err::kAclUsernameSpaces);
    return false;
  }
  std::vector<std::string> args(rules.begin(), rules.end()), merged;
  size_t bad = 0;
  if (!MergeSelectorArgs(args, &merged, &bad)) {
    *err = fmt::format(fmt::runtime(err::kAclUnmatchedParen), rules[bad]);
    return false;
  }
  User* existing = FindUser(name);
  User temp = existing ? *existing : NewUser(std::string(name), ChannelsDefaultAll());
  for (const std::string& r : merged) {
    RuleError e = temp.Apply(r, ChannelsDefaultAll());
    if (e != RuleError::kNone) {
      *err = fmt::format(fmt::runtime(err::kAclSetuserModifier), r, RuleErrorText(e));
      return false;
    }
  }
  if (existing) {
    KillPubsubClientsIfNeeded(temp, *existing);
    *existing = std::move(temp);
    Commit(*existing);
  } else {
    auto u = std::make_unique<User>(std::move(temp));
    Commit(*u);
    St().users.emplace(std::string(name), std::move(u));
  }
  return true;
}

bool DelUsers(Client& caller, std::span<const std::string_view> names, int64_t* deleted, std::string* err) {
  for (std::string_view n : names) {
    if (n == "default") {
      *err = std::string(err::kAclDeleteDefault);
      return false;
    }
  }
  *deleted = 0;
  for (std::string_view n : names) {
    auto it = St().users.find(n);
    if (it == St().users.end()) continue;
    std::unique_ptr<User> gone = std::move(it->second);
    St().users.erase(it);
    KillClientsOf(gone.get(), &caller);
    ++*deleted;
  }
  return true;
}

bool LoadFile(Client* caller, std::string* err) {
  UserMap fresh;
  bool opened = false;
  std::string errors = ReadAclFile(&fresh, &opened);
  if (!errors.empty()) {
    if (opened) errors += err::kAclFileNoChange;
    *err = std::move(errors);
    return false;
  }
  State& st = St();
  // The default user object stays (clients point at it); it takes the file's rules, or the initial ones.
  auto def = fresh.find("default");
  std::unique_ptr<User> new_default = def != fresh.end() ? std::move(def->second) : MakeDefaultUser();
  if (def != fresh.end()) fresh.erase(def);
  *st.default_user = std::move(*new_default);
  Commit(*st.default_user);
  auto old_default = st.users.find("default");
  std::unique_ptr<User> keep = std::move(old_default->second);
  st.users.erase(old_default);
  UserMap old;
  old.swap(st.users);
  st.users = std::move(fresh);
  st.users.emplace("default", std::move(keep));
  for (auto& [name, u] : old) KillClientsOf(u.get(), caller);
  return true;
}

bool SaveFile() {
  std::string content;
  for (const auto& [name, u] : St().users) content += "user " + name + " " + u->Describe() + "\n";
  const std::string& path = Cfg().aclfile;
  std::string tmp = fmt::format("{}.tmp-{}-{}", path, getpid(), Srv().now_ms);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd == -1) {
    LogWarning("Opening temp ACL file for ACL SAVE: {}", std::strerror(errno));
    return false;
  }
  bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  if (!ok) LogWarning("Writing ACL file for ACL SAVE: {}", std::strerror(errno));
  close(fd);
  if (ok && rename(tmp.c_str(), path.c_str()) == -1) {
    LogWarning("Renaming ACL file for ACL SAVE: {}", std::strerror(errno));
    ok = false;
  }
  if (!ok) unlink(tmp.c_str());
  return ok;
}

void AddLogEntry(const Client& c, Denial reason, LogContext context, std::string object, std::string_view username) {
  State& st = St();
  int64_t now = Srv().now_ms;
  std::string info = ClientInfoLine(c);
  size_t scan = std::min<size_t>(10, st.log.size());  // Redis looks at the 10 newest entries for a match
  for (size_t i = 0; i < scan; ++i) {
    LogEntry& e = st.log[i];
    if (e.reason == reason && e.context == context && std::abs(e.ctime_ms - now) <= 60000 && e.object == object &&
        e.username == username) {
      LogEntry merged = std::move(e);
      st.log.erase(st.log.begin() + static_cast<std::ptrdiff_t>(i));
      ++merged.count;
      merged.ctime_ms = now;
      merged.client_info = std::move(info);
      st.log.push_front(std::move(merged));
      return;
    }
  }
  st.log.push_front(LogEntry{1, reason, context, std::move(object), std::string(username), std::move(info), now});
  while (st.log.size() > static_cast<size_t>(Cfg().acllog_max_len)) st.log.pop_back();
}

const std::deque<LogEntry>& Log() { return St().log; }

void ResetLog() { St().log.clear(); }

}  // namespace corvid::acl
