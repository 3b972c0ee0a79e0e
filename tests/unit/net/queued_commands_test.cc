#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "net/client.h"

namespace corvid {
namespace {

using Args = std::vector<std::string_view>;

TEST(QueuedCommandsTest, KeepsEachCommandsArgumentsInOrder) {
  QueuedCommands q;
  std::string binary("a\0b", 3);
  Args first{"SET", "k", binary};
  Args second{"INCR", ""};
  q.Push(first);
  q.Push(second);
  ASSERT_EQ(q.size(), 2u);
  Args got;
  q.Get(0, &got);
  EXPECT_EQ(got, first);
  q.Get(1, &got);
  EXPECT_EQ(got, second);
}

TEST(QueuedCommandsTest, ClearEmptiesAndTheQueueIsReusable) {
  QueuedCommands q;
  Args cmd{"PING"};
  q.Push(cmd);
  q.Clear();
  EXPECT_EQ(q.size(), 0u);
  Args next{"ECHO", "hello"};
  q.Push(next);
  Args got;
  q.Get(0, &got);
  EXPECT_EQ(got, next);
}

}  // namespace
}  // namespace corvid
