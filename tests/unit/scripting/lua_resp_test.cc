// RESP <-> Lua conversion: every reply type through PushRespAsLua, and LuaToResp back to the bytes Redis 7.0.15
// sends for the same script return values.
#include "scripting/lua_resp.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}
#include <gtest/gtest.h>

#include <string>

#include "protocol/reply_builder.h"

namespace corvid {
namespace {

class LuaRespTest : public ::testing::Test {
 protected:
  LuaRespTest() : L_(luaL_newstate()), rb_(&out_) { luaL_openlibs(L_); }
  ~LuaRespTest() override { lua_close(L_); }

  // Converts reply to Lua, stores it as global v and evaluates expr (a Lua expression over v) to a string.
  std::string Inspect(const std::string& reply, const std::string& expr) {
    PushRespAsLua(L_, reply.data(), reply.data() + reply.size());
    lua_setglobal(L_, "v");
    std::string code = "return tostring(" + expr + ")";
    EXPECT_EQ(luaL_dostring(L_, code.c_str()), 0) << lua_tostring(L_, -1);
    std::string out = lua_tostring(L_, -1);
    lua_pop(L_, 1);
    return out;
  }

  // Evaluates a Lua expression and converts its value to a reply with the given script RESP version.
  std::string Reply(const std::string& expr, int script_resp = 2, int caller_resp = 2) {
    std::string code = "return " + expr;
    EXPECT_EQ(luaL_loadstring(L_, code.c_str()), 0);
    lua_call(L_, 0, 1);
    rb_.SetResp(caller_resp);
    LuaToResp(L_, rb_, script_resp);
    EXPECT_EQ(lua_gettop(L_), 0);
    std::string s(out_.data(), out_.size());
    out_.Consume(out_.size());
    return s;
  }

  lua_State* L_;
  OutputBuffer out_;
  ReplyBuilder rb_;
};

TEST_F(LuaRespTest, Resp2RepliesBecomeLuaValues) {
  EXPECT_EQ(Inspect(":42\r\n", "v"), "42");
  EXPECT_EQ(Inspect("$3\r\nabc\r\n", "v"), "abc");
  EXPECT_EQ(Inspect("$-1\r\n", "v"), "false");
  EXPECT_EQ(Inspect("*-1\r\n", "v"), "false");
  EXPECT_EQ(Inspect("+OK\r\n", "v.ok"), "OK");
  EXPECT_EQ(Inspect("-WRONGTYPE bad kind\r\n", "v.err"), "WRONGTYPE bad kind");
  EXPECT_EQ(Inspect("*3\r\n:1\r\n$1\r\nx\r\n*1\r\n:2\r\n", "v[1] .. v[2] .. v[3][1] .. #v"), "1x23");
}

TEST_F(LuaRespTest, Resp3RepliesBecomeTaggedTables) {
  EXPECT_EQ(Inspect("%1\r\n$1\r\na\r\n:1\r\n", "v.map.a"), "1");
  EXPECT_EQ(Inspect("~2\r\n$1\r\na\r\n$1\r\nb\r\n", "v.set.a and v.set.b"), "true");
  EXPECT_EQ(Inspect("_\r\n", "v"), "nil");
  EXPECT_EQ(Inspect("#t\r\n", "v"), "true");
  EXPECT_EQ(Inspect("#f\r\n", "v"), "false");
  EXPECT_EQ(Inspect(",1.5\r\n", "v.double"), "1.5");
  EXPECT_EQ(Inspect("(12345678901234567890\r\n", "v.big_number"), "12345678901234567890");
  EXPECT_EQ(Inspect("=9\r\ntxt:hello\r\n", "v.verbatim_string.format .. v.verbatim_string.string"), "txthello");
  EXPECT_EQ(Inspect("|1\r\n$1\r\nk\r\n$1\r\nv\r\n:7\r\n", "v"), "7");  // attributes are skipped
}

TEST_F(LuaRespTest, ErrorTablesKeepOrAddTheCode) {
  PushErrorTable(L_, "-WRONGTYPE Operation\r\n");
  lua_getfield(L_, -1, "err");
  EXPECT_STREQ(lua_tostring(L_, -1), "WRONGTYPE Operation");
  lua_pop(L_, 2);
  PushErrorTable(L_, "plain message");
  lua_getfield(L_, -1, "err");
  EXPECT_STREQ(lua_tostring(L_, -1), "ERR plain message");
  lua_pop(L_, 2);
  PushErrorTable(L_, "-NOCODE");
  lua_getfield(L_, -1, "err");
  EXPECT_STREQ(lua_tostring(L_, -1), "ERR NOCODE");
  lua_pop(L_, 2);
}

TEST_F(LuaRespTest, LuaValuesBecomeResp2Replies) {
  EXPECT_EQ(Reply("1.9"), ":1\r\n");
  EXPECT_EQ(Reply("-3.9"), ":-3\r\n");
  EXPECT_EQ(Reply("1/0"), ":-9223372036854775808\r\n");
  EXPECT_EQ(Reply("true"), ":1\r\n");
  EXPECT_EQ(Reply("false"), "$-1\r\n");
  EXPECT_EQ(Reply("nil"), "$-1\r\n");
  EXPECT_EQ(Reply("'s'"), "$1\r\ns\r\n");
  EXPECT_EQ(Reply("{1, 'a', nil, 3}"), "*2\r\n:1\r\n$1\r\na\r\n");
  EXPECT_EQ(Reply("{ok='fine\\r\\nx'}"), "+fine  x\r\n");
  EXPECT_EQ(Reply("{err='MY error'}"), "-MY error\r\n");
  EXPECT_EQ(Reply("{double=1.5}"), "$3\r\n1.5\r\n");
  EXPECT_EQ(Reply("{big_number='123'}"), "$3\r\n123\r\n");
  EXPECT_EQ(Reply("{map={a=1}}"), "*2\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Reply("{set={a=true}}"), "*1\r\n$1\r\na\r\n");
  EXPECT_EQ(Reply("{verbatim_string={format='txt', string='hi'}}"), "$2\r\nhi\r\n");
}

TEST_F(LuaRespTest, LuaValuesBecomeResp3Replies) {
  EXPECT_EQ(Reply("true", 3, 3), "#t\r\n");
  EXPECT_EQ(Reply("false", 3, 3), "#f\r\n");
  EXPECT_EQ(Reply("false", 2, 3), "_\r\n");
  EXPECT_EQ(Reply("true", 2, 3), ":1\r\n");
  EXPECT_EQ(Reply("{double=1.5}", 2, 3), ",1.5\r\n");
  EXPECT_EQ(Reply("{big_number='123'}", 2, 3), "(123\r\n");
  EXPECT_EQ(Reply("{map={a=1}}", 2, 3), "%1\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Reply("{set={a=true}}", 2, 3), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(Reply("{verbatim_string={format='txt', string='hi'}}", 2, 3), "=6\r\ntxt:hi\r\n");
}

}  // namespace
}  // namespace corvid
