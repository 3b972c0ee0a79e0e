// Propagation to several consumers: each gets every command, with the SELECTs its own selected database needs.
#include "server/propagate.h"

#include <gtest/gtest.h>

#include <string>

namespace corvid {
namespace {

std::string g_aof, g_repl;
void ToAof(std::string_view s) { g_aof.append(s); }
void ToRepl(std::string_view s) { g_repl.append(s); }

class PropagateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_aof.clear();
    g_repl.clear();
    SetPropagationSink(PropagationConsumer::kAof, ToAof);
  }
  void TearDown() override {
    SetPropagationSink(PropagationConsumer::kAof, nullptr);
    SetPropagationSink(PropagationConsumer::kReplication, nullptr);
  }
};

constexpr std::string_view kSelect0 = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n";
constexpr std::string_view kSelect1 = "*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n";
constexpr std::string_view kSetA = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
constexpr std::string_view kDelB = "*2\r\n$3\r\nDEL\r\n$1\r\nb\r\n";

TEST_F(PropagateTest, EachConsumerKeepsItsOwnSelectedDatabase) {
  EXPECT_TRUE(PropagationOn());
  PropagateCommand(1, {"SET", "a", "1"});
  SetPropagationSink(PropagationConsumer::kReplication, ToRepl);  // joins later: selects for itself
  PropagateCommand(1, {"SET", "a", "1"});
  EXPECT_EQ(g_aof, std::string(kSelect1) + std::string(kSetA) + std::string(kSetA));
  EXPECT_EQ(g_repl, std::string(kSelect1) + std::string(kSetA));
  ResetPropagatedDb(PropagationConsumer::kAof);  // a new file
  PropagateDeletion(1, "b", false);
  EXPECT_EQ(g_aof.substr(g_aof.size() - kSelect1.size() - kDelB.size()), std::string(kSelect1) + std::string(kDelB));
  EXPECT_EQ(g_repl, std::string(kSelect1) + std::string(kSetA) + std::string(kDelB));
}

TEST_F(PropagateTest, AUnitOfSeveralCommandsIsWrappedInMultiExecForEveryConsumer) {
  SetPropagationSink(PropagationConsumer::kReplication, ToRepl);
  PropagateCommand(0, {"SET", "a", "1"});  // the replication stream now has db 0 selected, the AOF too
  ResetPropagatedDb(PropagationConsumer::kAof);
  g_aof.clear();
  g_repl.clear();
  BeginExecutionUnit();
  PropagateCommand(0, {"SET", "a", "1"});
  PropagateCommand(1, {"DEL", "b"});
  EndExecutionUnit();
  std::string unit = "*1\r\n$5\r\nMULTI\r\n" + std::string(kSetA) + std::string(kSelect1) + std::string(kDelB) +
                     "*1\r\n$4\r\nEXEC\r\n";
  EXPECT_EQ(g_repl, unit);
  EXPECT_EQ(g_aof, std::string(kSelect0) + unit);
  g_aof.clear();
  g_repl.clear();
  PropagateCommand(1, {"DEL", "b"});  // both were left in db 1
  EXPECT_EQ(g_aof, kDelB);
  EXPECT_EQ(g_repl, kDelB);
}

TEST_F(PropagateTest, OffWithoutConsumers) {
  SetPropagationSink(PropagationConsumer::kAof, nullptr);
  EXPECT_FALSE(PropagationOn());
  PropagateCommand(0, {"SET", "a", "1"});
  EXPECT_TRUE(g_aof.empty());
}

}  // namespace
}  // namespace corvid
