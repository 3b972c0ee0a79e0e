#include "scripting/lua_resp.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "protocol/reply_builder.h"

namespace corvid {

void PushErrorTable(lua_State* L, std::string_view msg) {
  std::string_view code = "ERR", text = msg;
  if (!msg.empty() && msg[0] == '-') {
    size_t sp = msg.find(' ');
    if (sp == std::string_view::npos) {
      text = msg.substr(1);
    } else {
      code = msg.substr(1, sp - 1);
      text = msg.substr(sp + 1);
    }
  }
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
  while (!text.empty() && (text.front() == '\r' || text.front() == '\n')) text.remove_prefix(1);
  lua_newtable(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addlstring(&b, code.data(), code.size());
  luaL_addchar(&b, ' ');
  luaL_addlstring(&b, text.data(), text.size());
  luaL_pushresult(&b);
  lua_setfield(L, -2, "err");
}

void MarkErrorCounted(lua_State* L) {
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "ignore_error_stats_update");
}

namespace {

// The line starting at p (after the type byte); *next is past its CRLF.
std::string_view Line(const char* p, const char* end, const char** next) {
  const char* cr = static_cast<const char*>(memchr(p, '\r', end - p));
  if (!cr) cr = end;
  *next = cr + 2 <= end ? cr + 2 : end;
  return {p, static_cast<size_t>(cr - p)};
}

int64_t ToInt(std::string_view s) { return std::strtoll(std::string(s).c_str(), nullptr, 10); }

// Pushes {field = <value on top>}.
void WrapInField(lua_State* L, const char* field) {
  lua_newtable(L);
  lua_insert(L, -2);
  lua_setfield(L, -2, field);
}

const char* Parse(lua_State* L, const char* p, const char* end) {
  lua_checkstack(L, 5);
  char type = *p++;
  const char* next;
  std::string_view line = Line(p, end, &next);
  switch (type) {
    case ':':
      lua_pushnumber(L, static_cast<lua_Number>(ToInt(line)));
      return next;
    case '$': {
      int64_t n = ToInt(line);
      if (n < 0) {
        lua_pushboolean(L, 0);
        return next;
      }
      lua_pushlstring(L, next, static_cast<size_t>(n));
      return next + n + 2;
    }
    case '+':
      lua_pushlstring(L, line.data(), line.size());
      WrapInField(L, "ok");
      return next;
    case '-': {
      std::string msg = "-";
      msg.append(line);
      PushErrorTable(L, msg);
      return next;
    }
    case '*':
    case '>': {
      int64_t n = ToInt(line);
      if (n < 0) {
        lua_pushboolean(L, 0);
        return next;
      }
      lua_createtable(L, static_cast<int>(n), 0);
      for (int64_t i = 1; i <= n; ++i) {
        next = Parse(L, next, end);
        lua_rawseti(L, -2, static_cast<int>(i));
      }
      return next;
    }
    case '%': {
      int64_t n = ToInt(line);
      lua_newtable(L);
      for (int64_t i = 0; i < n; ++i) {
        next = Parse(L, next, end);
        next = Parse(L, next, end);
        lua_settable(L, -3);
      }
      WrapInField(L, "map");
      return next;
    }
    case '~': {
      int64_t n = ToInt(line);
      lua_newtable(L);
      for (int64_t i = 0; i < n; ++i) {
        next = Parse(L, next, end);
        lua_pushboolean(L, 1);
        lua_settable(L, -3);
      }
      WrapInField(L, "set");
      return next;
    }
    case '|': {  // attributes are skipped; the reply they annotate follows
      int64_t n = ToInt(line);
      for (int64_t i = 0; i < 2 * n; ++i) {
        next = Parse(L, next, end);
        lua_pop(L, 1);
      }
      return Parse(L, next, end);
    }
    case '_':
      lua_pushnil(L);
      return next;
    case '#':
      lua_pushboolean(L, line == "t");
      return next;
    case ',':
      lua_pushnumber(L, std::strtod(std::string(line).c_str(), nullptr));
      WrapInField(L, "double");
      return next;
    case '(':
      lua_pushlstring(L, line.data(), line.size());
      WrapInField(L, "big_number");
      return next;
    case '=': {
      size_t n = static_cast<size_t>(ToInt(line));
      lua_newtable(L);
      lua_pushlstring(L, next, n < 3 ? n : 3);
      lua_setfield(L, -2, "format");
      lua_pushlstring(L, next + (n < 4 ? n : 4), n < 4 ? 0 : n - 4);
      lua_setfield(L, -2, "string");
      WrapInField(L, "verbatim_string");
      return next + n + 2;
    }
    default:
      lua_pushnil(L);
      return end;
  }
}

// The field of the table on top of the stack if it has type t; pushes it (true) or nothing (false).
bool GetField(lua_State* L, const char* field, int t) {
  lua_pushstring(L, field);
  lua_rawget(L, -2);
  if (lua_type(L, -1) == t) return true;
  lua_pop(L, 1);
  return false;
}

// A status or big number: CR and LF become spaces.
std::string OneLine(lua_State* L, int idx) {
  size_t n;
  const char* s = lua_tolstring(L, idx, &n);
  std::string out(s, n);
  for (char& ch : out)
    if (ch == '\r' || ch == '\n') ch = ' ';
  return out;
}

// The number of entries of the table on top of the stack.
size_t CountPairs(lua_State* L) {
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    ++n;
  }
  return n;
}

int64_t TruncateNumber(lua_Number d) {
  // As the x86 conversion Redis relies on: NaN and out-of-range values give INT64_MIN.
  if (std::isnan(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(d);
}

}  // namespace

void PushRespAsLua(lua_State* L, const char* p, const char* end) {
  if (p >= end) {
    lua_pushnil(L);
    return;
  }
  Parse(L, p, end);
}

void LuaToResp(lua_State* L, ReplyBuilder& rb, int script_resp) {
  if (!lua_checkstack(L, 4)) {
    lua_pop(L, 1);
    rb.Error("ERR reached lua stack limit");
    return;
  }
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t n;
      const char* s = lua_tolstring(L, -1, &n);
      rb.Bulk({s, n});
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(L, -1)) rb.Int(1);
        else rb.Null();
      } else {
        rb.Bool(lua_toboolean(L, -1));
      }
      break;
    case LUA_TNUMBER:
      rb.Int(TruncateNumber(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE: {
      if (GetField(L, "err", LUA_TSTRING)) {
        size_t n;
        const char* s = lua_tolstring(L, -1, &n);
        rb.Error({s, n});
        lua_pop(L, 1);
        if (GetField(L, "ignore_error_stats_update", LUA_TBOOLEAN)) {
          if (lua_toboolean(L, -1)) rb.TakeLastError();
          lua_pop(L, 1);
        }
        break;
      }
      if (GetField(L, "ok", LUA_TSTRING)) {
        rb.Simple(OneLine(L, -1));
        lua_pop(L, 1);
        break;
      }
      if (GetField(L, "double", LUA_TNUMBER)) {
        rb.Double(lua_tonumber(L, -1));
        lua_pop(L, 1);
        break;
      }
      if (GetField(L, "big_number", LUA_TSTRING)) {
        rb.BigNumber(OneLine(L, -1));
        lua_pop(L, 1);
        break;
      }
      if (GetField(L, "verbatim_string", LUA_TTABLE)) {
        lua_getfield(L, -1, "format");
        lua_getfield(L, -2, "string");
        size_t fn = 0, sn = 0;
        bool done = lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING;
        if (done) {
          const char* f = lua_tolstring(L, -2, &fn);
          const char* s = lua_tolstring(L, -1, &sn);
          rb.Verbatim({s, sn}, std::string_view(f, fn).substr(0, 3));
        }
        lua_pop(L, 3);
        if (done) break;
      }
      if (GetField(L, "map", LUA_TTABLE)) {
        rb.Map(CountPairs(L));
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pushvalue(L, -2);
          LuaToResp(L, rb, script_resp);  // the key copy
          LuaToResp(L, rb, script_resp);  // the value
        }
        lua_pop(L, 1);
        break;
      }
      if (GetField(L, "set", LUA_TTABLE)) {
        rb.Set(CountPairs(L));
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pop(L, 1);
          lua_pushvalue(L, -1);
          LuaToResp(L, rb, script_resp);
        }
        lua_pop(L, 1);
        break;
      }
      size_t n = 0;
      while (true) {
        lua_rawgeti(L, -1, static_cast<int>(n + 1));
        bool nil = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (nil) break;
        ++n;
      }
      rb.Array(n);
      for (size_t i = 1; i <= n; ++i) {
        lua_rawgeti(L, -1, static_cast<int>(i));
        LuaToResp(L, rb, script_resp);
      }
      break;
    }
    default:
      rb.Null();
  }
  lua_pop(L, 1);
}

}  // namespace corvid
