// ACL rules, their rendering and the permission checks (src/acl/user.h). Expected texts were taken from
// redis-server 7.0.15 (ACL SETUSER / ACL LIST / ACL DRYRUN).
#include "acl/user.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "commands/families.h"

namespace corvid::acl {
namespace {

class AclUserTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { RegisterAllFamilies(); }

  // A new user after rules; fails the test on a refused rule.
  static User Make(std::initializer_list<std::string_view> rules) {
    User u = NewUser("u", false);
    for (std::string_view r : rules) EXPECT_EQ(u.Apply(r, false), RuleError::kNone) << r;
    u.Refresh();
    return u;
  }

  static Denial Check(const User& u, std::vector<std::string_view> argv, size_t* idx = nullptr) {
    const Command* cmd = Commands().Find(argv[0]);
    if (cmd && !cmd->subcommands.empty() && argv.size() > 1) cmd = CommandRegistry::FindSub(*cmd, argv[1]);
    EXPECT_NE(cmd, nullptr) << argv[0];
    size_t unused = 0;
    return CheckCommand(u, *cmd, argv, idx ? idx : &unused);
  }
};

TEST_F(AclUserTest, RuleErrors) {
  User u = NewUser("u", false);
  EXPECT_EQ(u.Apply("bogus", false), RuleError::kSyntax);
  EXPECT_EQ(u.Apply("+nosuch", false), RuleError::kUnknownCommand);
  EXPECT_EQ(u.Apply("-select|0", false), RuleError::kUnknownCommand);
  EXPECT_EQ(u.Apply("+@nosuch", false), RuleError::kUnknownCommand);
  EXPECT_EQ(u.Apply("+config|get|x", false), RuleError::kFirstArgOfSub);
  EXPECT_EQ(u.Apply("+select|", false), RuleError::kSyntax);
  EXPECT_EQ(u.Apply("%X~k", false), RuleError::kSyntax);
  EXPECT_EQ(u.Apply("%RR~k", false), RuleError::kSyntax);
  EXPECT_EQ(u.Apply("#abc", false), RuleError::kBadHash);
  EXPECT_EQ(u.Apply("<nope", false), RuleError::kNoSuchPassword);
  EXPECT_EQ(u.Apply("(~a +bogus)", false), RuleError::kUnknownCommand);
  EXPECT_EQ(u.Apply("(~a bogus)", false), RuleError::kSyntax);
  EXPECT_EQ(u.Apply("", false), RuleError::kNone);
  EXPECT_EQ(u.Apply("allkeys", false), RuleError::kNone);
  EXPECT_EQ(u.Apply("~a", false), RuleError::kKeyAfterAll);
  EXPECT_EQ(u.Apply("allchannels", false), RuleError::kNone);
  EXPECT_EQ(u.Apply("&a", false), RuleError::kChannelAfterAll);
  EXPECT_EQ(RuleErrorText(RuleError::kSyntax), "Syntax error");
}

TEST_F(AclUserTest, DescribeAsRedis) {
  EXPECT_EQ(NewUser("u", false).Describe(), "off resetchannels -@all");
  EXPECT_EQ(NewUser("u", true).Describe(), "off &* -@all");
  EXPECT_EQ(Make({"on", "nopass", "~*", "&*", "+@all"}).Describe(), "on nopass ~* &* +@all");
  EXPECT_EQ(Make({"+@all", "-get"}).Describe(), "off resetchannels +@all -get");
  EXPECT_EQ(Make({"+get", "-@all"}).Describe(), "off resetchannels -@all");
  EXPECT_EQ(Make({"+@hash", "-hget"}).Describe(), "off resetchannels -@all +@hash -hget");
  EXPECT_EQ(Make({"+@all", "-@dangerous"}).Describe(), "off resetchannels +@all -@dangerous");
  EXPECT_EQ(Make({"-@all", "+config|get"}).Describe(), "off resetchannels -@all +config|get");
  EXPECT_EQ(Make({"+@all", "-config|set"}).Describe(), "off resetchannels +@all -config|set");
  EXPECT_EQ(Make({"+select|0", "+select|1"}).Describe(), "off resetchannels -@all +select|0 +select|1");
  EXPECT_EQ(Make({"~a*", "%R~r*", "%W~w*", "%RW~b", "%R~a*", "&c", "&c"}).Describe(),
            "off ~a* %R~r* %W~w* ~b resetchannels &c -@all");
  EXPECT_EQ(Make({">x", "on", "reset"}).Describe(), "off sanitize-payload resetchannels -@all");
  EXPECT_EQ(Make({"on", "(~a +get)"}).Describe(), "on resetchannels -@all (~a resetchannels -@all +get)");
  EXPECT_EQ(Make({">pw"}).passwords, std::vector<std::string>{HashPassword("pw")});
  EXPECT_EQ(HashPassword("foo"), "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
}

TEST_F(AclUserTest, Passwords) {
  User u = Make({">a", ">b", "<a"});
  EXPECT_FALSE(u.CheckPassword("a"));
  EXPECT_TRUE(u.CheckPassword("b"));
  u.Apply("nopass", false);
  EXPECT_TRUE(u.CheckPassword("anything"));
  EXPECT_TRUE(u.passwords.empty());
  u.Apply("resetpass", false);
  EXPECT_FALSE(u.CheckPassword(""));
}

TEST_F(AclUserTest, RestrictedOnlyWithoutEverything) {
  EXPECT_FALSE(Make({"allkeys", "allchannels", "allcommands"}).restricted);
  EXPECT_TRUE(Make({"allkeys", "allchannels", "allcommands", "-get"}).restricted);
  EXPECT_TRUE(Make({"allkeys", "allcommands"}).restricted);
}

TEST_F(AclUserTest, CommandAndKeyChecks) {
  User u = Make({"~k*", "%R~r*", "%W~w*", "-@all", "+get", "+set", "+mget", "+exists", "+select|0", "+config|get"});
  size_t idx = 0;
  EXPECT_EQ(Check(u, {"get", "k1"}), Denial::kNone);
  EXPECT_EQ(Check(u, {"hget", "k1", "f"}), Denial::kCommand);
  EXPECT_EQ(Check(u, {"mget", "k1", "x", "k2"}, &idx), Denial::kKey);
  EXPECT_EQ(idx, 2u);
  EXPECT_EQ(Check(u, {"get", "r1"}), Denial::kNone);
  EXPECT_EQ(Check(u, {"set", "r1", "v"}), Denial::kKey);
  EXPECT_EQ(Check(u, {"set", "w1", "v"}), Denial::kNone);
  EXPECT_EQ(Check(u, {"set", "w1", "v", "GET"}), Denial::kKey);
  EXPECT_EQ(Check(u, {"get", "w1"}), Denial::kKey);
  EXPECT_EQ(Check(u, {"exists", "w1"}), Denial::kNone);  // EXISTS' key spec neither reads nor writes
  EXPECT_EQ(Check(u, {"select", "0"}), Denial::kNone);
  EXPECT_EQ(Check(u, {"select", "1"}), Denial::kCommand);
  EXPECT_EQ(Check(u, {"config", "get", "x"}), Denial::kNone);
  EXPECT_EQ(Check(u, {"config", "set", "x", "y"}), Denial::kCommand);
  EXPECT_EQ(Check(u, {"auth", "x"}), Denial::kNone);  // no_auth commands are always allowed
}

TEST_F(AclUserTest, ChannelChecks) {
  User u = Make({"allcommands", "&news.*", "&lit"});
  size_t idx = 0;
  EXPECT_EQ(Check(u, {"publish", "news.a", "m"}), Denial::kNone);
  EXPECT_EQ(Check(u, {"publish", "sports", "m"}), Denial::kChannel);
  EXPECT_EQ(Check(u, {"subscribe", "news.a", "x"}, &idx), Denial::kChannel);
  EXPECT_EQ(idx, 2u);
  EXPECT_EQ(Check(u, {"spublish", "lit", "m"}), Denial::kNone);  // its key spec is not_key: no key check
  EXPECT_EQ(Check(u, {"psubscribe", "news.*"}), Denial::kNone);
  EXPECT_EQ(Check(u, {"psubscribe", "news.a"}), Denial::kChannel);  // patterns compare literally
  EXPECT_EQ(Check(u, {"unsubscribe", "sports"}), Denial::kNone);
  EXPECT_TRUE(ChannelAllowed(u, "news.x", false));
  EXPECT_FALSE(ChannelAllowed(u, "news.?", true));
}

TEST_F(AclUserTest, SelectorsAllowWhenAnyDoes) {
  User u = Make({"~a", "-@all", "+get", "(~b +set)"});
  size_t idx = 0;
  EXPECT_EQ(Check(u, {"get", "a"}), Denial::kNone);
  EXPECT_EQ(Check(u, {"set", "b", "v"}), Denial::kNone);
  EXPECT_EQ(Check(u, {"set", "a", "v"}, &idx), Denial::kKey);  // the worst refusal: a key, not the command
  EXPECT_EQ(idx, 1u);
  EXPECT_EQ(Check(u, {"hget", "a", "f"}), Denial::kCommand);
}

TEST_F(AclUserTest, MergeSelectorArgs) {
  std::vector<std::string> out;
  size_t bad = 99;
  ASSERT_TRUE(MergeSelectorArgs({"on", "(~a", "+get)", "(~b)"}, &out, &bad));
  EXPECT_EQ(out, (std::vector<std::string>{"on", "(~a +get)", "(~b)"}));
  EXPECT_FALSE(MergeSelectorArgs({"on", "(~a", "+get"}, &out, &bad));
  EXPECT_EQ(bad, 1u);
}

}  // namespace
}  // namespace corvid::acl
