// ACL commands: CAT DELUSER DRYRUN GENPASS GETUSER HELP LIST LOAD LOG SAVE SETUSER USERS WHOAMI.
#include <fmt/format.h>
#include <openssl/rand.h>

#include <string>
#include <vector>

#include "acl/acl.h"
#include "commands/cmd_util.h"
#include "commands/command.h"
#include "corvid/errors.h"
#include "net/client.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

namespace {

constexpr std::string_view kFlagNames[] = {"on", "off", "nopass", "skip-sanitize-payload", "sanitize-payload"};
constexpr uint32_t kFlagBits[] = {acl::kUserOn, acl::kUserOff, acl::kUserNopass, acl::kUserSkipSanitize,
                                  acl::kUserSanitize};

// commands / keys / channels of one selector, as ACL GETUSER shows them.
void ReplySelector(Client& c, const acl::Selector& s) {
  c.reply.Bulk("commands");
  c.reply.Bulk(acl::DescribeCommands(s));
  c.reply.Bulk("keys");
  c.reply.Bulk(acl::DescribeKeys(s));
  c.reply.Bulk("channels");
  c.reply.Bulk(acl::DescribeChannels(s));
}

void AclSetuserCmd(Client& c, CmdArgs args) {
  std::string err;
  if (!acl::SetUser(args[2], args.subspan(3), &err)) return c.reply.Error(err);
  c.reply.Ok();
}

void AclDeluserCmd(Client& c, CmdArgs args) {
  std::string err;
  int64_t deleted = 0;
  if (!acl::DelUsers(c, args.subspan(2), &deleted, &err)) return c.reply.Error(err);
  c.reply.Int(deleted);
}

void AclGetuserCmd(Client& c, CmdArgs args) {
  const acl::User* u = acl::FindUser(args[2]);
  if (!u) return c.reply.Null();  // 7.0.15 answers nil (later versions an error)
  c.reply.Map(6);
  c.reply.Bulk("flags");
  std::vector<std::string_view> flags;
  for (size_t j = 0; j < std::size(kFlagBits); ++j)
    if (u->flags & kFlagBits[j]) flags.push_back(kFlagNames[j]);
  c.reply.Set(flags.size());
  for (std::string_view f : flags) c.reply.Bulk(f);
  c.reply.Bulk("passwords");
  c.reply.Array(u->passwords.size());
  for (const std::string& p : u->passwords) c.reply.Bulk(p);
  ReplySelector(c, u->root);
  c.reply.Bulk("selectors");
  c.reply.Array(u->selectors.size());
  for (const acl::Selector& s : u->selectors) {
    c.reply.Map(3);
    ReplySelector(c, s);
  }
}

void ReplyUsers(Client& c, bool names_only) {
  const auto& users = acl::AllUsers();
  c.reply.Array(users.size());
  for (const auto& [name, u] : users) c.reply.Bulk(names_only ? name : "user " + name + " " + u->Describe());
}

void AclListCmd(Client& c, CmdArgs) { ReplyUsers(c, false); }
void AclUsersCmd(Client& c, CmdArgs) { ReplyUsers(c, true); }

void AclWhoamiCmd(Client& c, CmdArgs) { c.reply.Bulk(c.user->name); }

void AclLoadCmd(Client& c, CmdArgs) {
  if (Cfg().aclfile.empty()) return c.reply.Error(err::kAclNoFile);
  std::string err;
  if (!acl::LoadFile(&c, &err)) return c.reply.Error("ERR " + err);
  c.reply.Ok();
}

void AclSaveCmd(Client& c, CmdArgs) {
  if (Cfg().aclfile.empty()) return c.reply.Error(err::kAclNoFile);
  if (!acl::SaveFile()) return c.reply.Error(err::kAclSaveFailed);
  c.reply.Ok();
}

void AclCatCmd(Client& c, CmdArgs args) {
  if (args.size() == 2) {
    c.reply.Array(kAclCategoryCount);
    for (std::string_view name : kAclCategories) c.reply.Bulk(name);
    return;
  }
  uint32_t bit = 0;
  for (size_t j = 0; j < kAclCategoryCount; ++j)
    if (Is(args[2], kAclCategories[j])) bit = 1u << j;
  if (!bit) return c.reply.Error(fmt::format(fmt::runtime(err::kAclUnknownCategory), CStr(args[2]).substr(0, 128)));
  std::vector<const Command*> in;
  for (const Command* cmd : Commands().All())
    if (cmd->acl_categories & bit) in.push_back(cmd);
  c.reply.Array(in.size());
  for (const Command* cmd : in) c.reply.Bulk(cmd->fullname);
}

void AclGenpassCmd(Client& c, CmdArgs args) {
  int64_t bits = 256;
  if (args.size() == 3 && !ArgInt64(c, args[2], &bits)) return;
  if (bits <= 0 || bits > 4096) return c.reply.Error(err::kAclGenpassBits);
  size_t chars = static_cast<size_t>((bits + 3) / 4);
  unsigned char raw[1024];
  RAND_bytes(raw, static_cast<int>((chars + 1) / 2));
  static const char kHex[] = "0123456789abcdef";
  std::string pass;
  for (size_t j = 0; j < chars; ++j) pass += kHex[j % 2 ? raw[j / 2] & 15 : raw[j / 2] >> 4];
  c.reply.Bulk(pass);
}

void AclLogCmd(Client& c, CmdArgs args) {
  int64_t count = 10;
  if (args.size() == 3) {
    if (Is(args[2], "RESET")) {
      acl::ResetLog();
      return c.reply.Ok();
    }
    if (!ArgInt64(c, args[2], &count)) return;
    count = std::max<int64_t>(count, 0);
  }
  const auto& log = acl::Log();
  size_t n = std::min(static_cast<size_t>(count), log.size());
  c.reply.Array(n);
  static constexpr std::string_view kReasons[] = {"unknown", "command", "key", "channel", "auth"};
  static constexpr std::string_view kContexts[] = {"toplevel", "multi", "lua"};
  for (size_t i = 0; i < n; ++i) {
    const acl::LogEntry& e = log[i];
    c.reply.Map(7);
    c.reply.Bulk("count");
    c.reply.Int(static_cast<int64_t>(e.count));
    c.reply.Bulk("reason");
    c.reply.Bulk(kReasons[static_cast<int>(e.reason)]);
    c.reply.Bulk("context");
    c.reply.Bulk(kContexts[static_cast<int>(e.context)]);
    c.reply.Bulk("object");
    c.reply.Bulk(e.object);
    c.reply.Bulk("username");
    c.reply.Bulk(e.username);
    c.reply.Bulk("age-seconds");
    c.reply.Double(static_cast<double>(Srv().now_ms - e.ctime_ms) / 1000);
    c.reply.Bulk("client-info");
    c.reply.Bulk(e.client_info);
  }
}

void AclDryrunCmd(Client& c, CmdArgs args) {
  const acl::User* u = acl::FindUser(args[2]);
  if (!u) return c.reply.Error(fmt::format(fmt::runtime(err::kAclDryrunNoUser), args[2]));
  CmdArgs argv = args.subspan(3);
  const Command* cmd = Commands().Find(argv[0]);
  if (cmd && !cmd->subcommands.empty() && argv.size() >= 2) cmd = CommandRegistry::FindSub(*cmd, argv[1]);
  if (!cmd) return c.reply.Error(fmt::format(fmt::runtime(err::kAclDryrunNoCommand), args[3]));
  if (!ArityOk(*cmd, argv.size()))
    return c.reply.Error(fmt::format(fmt::runtime(err::kWrongArity), cmd->fullname));
  size_t idx = 0;
  switch (acl::CheckCommand(*u, *cmd, argv, &idx)) {
    case acl::Denial::kNone: return c.reply.Ok();
    case acl::Denial::kCommand: return c.reply.Bulk(fmt::format(fmt::runtime(err::kAclDryrunCommand), cmd->fullname));
    case acl::Denial::kKey: return c.reply.Bulk(fmt::format(fmt::runtime(err::kAclDryrunKey), argv[idx]));
    default: return c.reply.Bulk(fmt::format(fmt::runtime(err::kAclDryrunChannel), argv[idx]));
  }
}

void AclHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "ACL",
            {"CAT [<category>]",
             "    List all commands that belong to <category>, or all command categories",
             "    when no category is specified.",
             "DELUSER <username> [<username> ...]",
             "    Delete a list of users.",
             "DRYRUN <username> <command> [<arg> ...]",
             "    Returns whether the user can execute the given command without executing the command.",
             "GETUSER <username>",
             "    Get the user's details.",
             "GENPASS [<bits>]",
             "    Generate a secure 256-bit user password. The optional `bits` argument can",
             "    be used to specify a different size.",
             "LIST",
             "    Show users details in config file format.",
             "LOAD",
             "    Reload users from the ACL file.",
             "LOG [<count> | RESET]",
             "    Show the ACL log entries.",
             "SAVE",
             "    Save the current config to the ACL file.",
             "SETUSER <username> <attribute> [<attribute> ...]",
             "    Create or modify a user with the specified attributes.",
             "USERS",
             "    List all the registered usernames.",
             "WHOAMI",
             "    Return the current connection username."});
}

constexpr const char* kAdmin = "admin noscript loading stale";
constexpr const char* kAdminAcl = "@admin @slow @dangerous";

constexpr CommandRow kRows[] = {
    {"acl", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "6.0.0", "Container of the ACL commands"},
    {"acl|cat", -2, "noscript loading stale", 0, 0, 0, "@slow", AclCatCmd, "", "category?", "6.0.0", "Lists the ACL categories, or the commands of one"},
    {"acl|deluser", -3, kAdmin, 0, 0, 0, kAdminAcl, AclDeluserCmd, "", "username...", "6.0.0", "Deletes users and disconnects their clients"},
    {"acl|dryrun", -4, kAdmin, 0, 0, 0, kAdminAcl, AclDryrunCmd, "", "username command arg...?", "7.0.0", "Says whether a user could run a command"},
    {"acl|genpass", -2, "noscript loading stale", 0, 0, 0, "@slow", AclGenpassCmd, "", "bits:integer?", "6.0.0", "Generates a random password"},
    {"acl|getuser", 3, kAdmin, 0, 0, 0, kAdminAcl, AclGetuserCmd, "", "username", "6.0.0", "Describes a user's rules"},
    {"acl|help", 2, "loading stale", 0, 0, 0, "@slow", AclHelpCmd, "", "", "6.0.0", "Lists the ACL subcommands"},
    {"acl|list", 2, kAdmin, 0, 0, 0, kAdminAcl, AclListCmd, "", "", "6.0.0", "Lists the users in config file form"},
    {"acl|load", 2, kAdmin, 0, 0, 0, kAdminAcl, AclLoadCmd, "", "", "6.0.0", "Reloads the users from the ACL file"},
    {"acl|log", -2, kAdmin, 0, 0, 0, kAdminAcl, AclLogCmd, "", "operation(count:integer|RESET)?", "6.0.0", "Lists recent ACL denials and failed logins"},
    {"acl|save", 2, kAdmin, 0, 0, 0, kAdminAcl, AclSaveCmd, "", "", "6.0.0", "Writes the users to the ACL file"},
    {"acl|setuser", -3, kAdmin, 0, 0, 0, kAdminAcl, AclSetuserCmd, "", "username rule...?", "6.0.0", "Creates or changes a user"},
    {"acl|users", 2, kAdmin, 0, 0, 0, kAdminAcl, AclUsersCmd, "", "", "6.0.0", "Lists the user names"},
    {"acl|whoami", 2, "noscript loading stale", 0, 0, 0, "@slow", AclWhoamiCmd, "", "", "6.0.0", "Returns the connection's user name"},
};

}  // namespace

void RegisterAclFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
