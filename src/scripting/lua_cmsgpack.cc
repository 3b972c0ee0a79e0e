// cmsgpack.pack(...), cmsgpack.unpack(data), cmsgpack.unpack_one(data [, offset]),
// cmsgpack.unpack_limit(data, limit [, offset]) with lua-cmsgpack 0.4.0's encoding choices: integral numbers as
// the smallest integer form, other numbers as float32 when exact else float64, strings as fixstr/str8/16/32,
// tables whose keys are exactly 1..n as arrays, other tables as maps, nesting deeper than 16 and other types as
// nil. Lua errors unwind with longjmp: nothing here owns memory.
extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "scripting/lua_libs.h"

namespace corvid {

namespace {

constexpr int kMaxNesting = 16;

// The encoder's output. Static so that no destructor is skipped when Lua raises; pack never re-enters.
std::string& Out() {
  static std::string out;
  return out;
}

void AddBigEndian(std::string& b, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) b.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void AddTagged(std::string& b, unsigned char tag, uint64_t v, int bytes) {
  b.push_back(static_cast<char>(tag));
  AddBigEndian(b, v, bytes);
}

void EncodeInt(std::string& b, int64_t n) {
  uint64_t u = static_cast<uint64_t>(n);
  if (n >= 0) {
    if (n <= 127) b.push_back(static_cast<char>(n));
    else if (n <= 0xff) AddTagged(b, 0xcc, u, 1);
    else if (n <= 0xffff) AddTagged(b, 0xcd, u, 2);
    else if (n <= 0xffffffffLL) AddTagged(b, 0xce, u, 4);
    else AddTagged(b, 0xcf, u, 8);
  } else {
    if (n >= -32) b.push_back(static_cast<char>(n));
    else if (n >= -128) AddTagged(b, 0xd0, u, 1);
    else if (n >= -32768) AddTagged(b, 0xd1, u, 2);
    else if (n >= -2147483648LL) AddTagged(b, 0xd2, u, 4);
    else AddTagged(b, 0xd3, u, 8);
  }
}

void EncodeNumber(std::string& b, lua_Number n) {
  bool integral = std::isfinite(n) && n >= -9223372036854775808.0 && n < 9223372036854775808.0 &&
                  static_cast<lua_Number>(static_cast<int64_t>(n)) == n;
  if (integral) return EncodeInt(b, static_cast<int64_t>(n));
  float f = static_cast<float>(n);
  if (static_cast<double>(f) == n) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof(bits));
    AddTagged(b, 0xca, bits, 4);
  } else {
    uint64_t bits;
    memcpy(&bits, &n, sizeof(bits));
    AddTagged(b, 0xcb, bits, 8);
  }
}

void EncodeBytes(std::string& b, const char* s, size_t len) {
  if (len < 32) b.push_back(static_cast<char>(0xa0 | len));
  else if (len <= 0xff) AddTagged(b, 0xd9, len, 1);
  else if (len <= 0xffff) AddTagged(b, 0xda, len, 2);
  else AddTagged(b, 0xdb, len, 4);
  b.append(s, len);
}

// True when the table on top has only the integer keys 1..n.
bool IsArray(lua_State* L) {
  int top = lua_gettop(L);
  lua_Number max = 0;
  int64_t count = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    lua_Number n = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : 0;
    if (n <= 0 || n != std::floor(n) || n > INT_MAX) {
      lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    ++count;
  }
  lua_settop(L, top);
  return max == static_cast<lua_Number>(count);
}

// Encodes the value on top of the stack and pops it.
void Encode(lua_State* L, std::string& b, int level) {
  int t = lua_type(L, -1);
  if (t == LUA_TTABLE && (level == kMaxNesting || !lua_checkstack(L, 3))) t = LUA_TNIL;
  switch (t) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      EncodeBytes(b, s, len);
      break;
    }
    case LUA_TBOOLEAN:
      b.push_back(static_cast<char>(lua_toboolean(L, -1) ? 0xc3 : 0xc2));
      break;
    case LUA_TNUMBER:
      EncodeNumber(b, lua_tonumber(L, -1));
      break;
    case LUA_TTABLE:
      if (IsArray(L)) {
        size_t n = lua_objlen(L, -1);
        if (n <= 15) b.push_back(static_cast<char>(0x90 | n));
        else if (n <= 0xffff) AddTagged(b, 0xdc, n, 2);
        else AddTagged(b, 0xdd, n, 4);
        for (size_t j = 1; j <= n; ++j) {
          lua_rawgeti(L, -1, static_cast<int>(j));
          Encode(L, b, level + 1);
        }
      } else {
        size_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pop(L, 1);
          ++n;
        }
        if (n <= 15) b.push_back(static_cast<char>(0x80 | n));
        else if (n <= 0xffff) AddTagged(b, 0xde, n, 2);
        else AddTagged(b, 0xdf, n, 4);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pushvalue(L, -2);
          Encode(L, b, level + 1);  // the key copy
          Encode(L, b, level + 1);  // the value
        }
      }
      break;
    default:
      b.push_back(static_cast<char>(0xc0));
  }
  lua_pop(L, 1);
}

int Pack(lua_State* L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, nargs + 4)) return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  std::string& out = Out();
  out.clear();
  for (int i = 1; i <= nargs; ++i) {
    lua_pushvalue(L, i);
    Encode(L, out, 0);
  }
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

// ---- decoding ----------------------------------------------------------------------------------------------

enum class DecodeError { kNone, kEof, kBadFormat };

struct Cursor {
  const unsigned char* p;
  size_t left;
  DecodeError err = DecodeError::kNone;
  bool Need(size_t n) {
    if (left < n) err = DecodeError::kEof;
    return left >= n;
  }
  uint64_t BigEndian(size_t at, int bytes) const {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[at + i];
    return v;
  }
  void Skip(size_t n) {
    p += n;
    left -= n;
  }
};

void Decode(lua_State* L, Cursor* c);

// A string whose length is in the `bytes` bytes after the tag.
void DecodeString(lua_State* L, Cursor* c, int bytes) {
  if (!c->Need(1 + bytes)) return;
  size_t len = c->BigEndian(1, bytes);
  if (!c->Need(1 + bytes + len)) return;
  lua_pushlstring(L, reinterpret_cast<const char*>(c->p + 1 + bytes), len);
  c->Skip(1 + bytes + len);
}

void DecodeArray(lua_State* L, Cursor* c, size_t n) {
  luaL_checkstack(L, 2, "too many nested arrays");
  lua_newtable(L);
  for (size_t j = 1; j <= n; ++j) {
    Decode(L, c);
    if (c->err != DecodeError::kNone) return;
    lua_rawseti(L, -2, static_cast<int>(j));
  }
}

void DecodeMap(lua_State* L, Cursor* c, size_t n) {
  luaL_checkstack(L, 3, "too many nested maps");
  lua_newtable(L);
  for (size_t j = 0; j < n; ++j) {
    Decode(L, c);
    if (c->err != DecodeError::kNone) return;
    Decode(L, c);
    if (c->err != DecodeError::kNone) return;
    lua_settable(L, -3);
  }
}

void Decode(lua_State* L, Cursor* c) {
  if (!c->Need(1)) return;
  unsigned char tag = c->p[0];
  // Fixed-width scalars: tag, payload bytes.
  auto fixed = [&](int bytes) -> bool {
    if (!c->Need(1 + bytes)) return false;
    return true;
  };
  switch (tag) {
    case 0xcc: case 0xcd: case 0xce: case 0xcf: {
      int bytes = 1 << (tag - 0xcc);
      if (!fixed(bytes)) return;
      lua_pushnumber(L, static_cast<lua_Number>(c->BigEndian(1, bytes)));
      c->Skip(1 + bytes);
      return;
    }
    case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
      int bytes = 1 << (tag - 0xd0);
      if (!fixed(bytes)) return;
      uint64_t v = c->BigEndian(1, bytes);
      int64_t s = bytes == 1 ? static_cast<int8_t>(v) : bytes == 2 ? static_cast<int16_t>(v)
                : bytes == 4 ? static_cast<int32_t>(v) : static_cast<int64_t>(v);
      lua_pushnumber(L, static_cast<lua_Number>(s));
      c->Skip(1 + bytes);
      return;
    }
    case 0xc0: lua_pushnil(L); c->Skip(1); return;
    case 0xc2: lua_pushboolean(L, 0); c->Skip(1); return;
    case 0xc3: lua_pushboolean(L, 1); c->Skip(1); return;
    case 0xca: {
      if (!fixed(4)) return;
      uint32_t bits = static_cast<uint32_t>(c->BigEndian(1, 4));
      float f;
      memcpy(&f, &bits, sizeof(f));
      lua_pushnumber(L, f);
      c->Skip(5);
      return;
    }
    case 0xcb: {
      if (!fixed(8)) return;
      uint64_t bits = c->BigEndian(1, 8);
      double d;
      memcpy(&d, &bits, sizeof(d));
      lua_pushnumber(L, d);
      c->Skip(9);
      return;
    }
    case 0xc4: case 0xd9: DecodeString(L, c, 1); return;
    case 0xc5: case 0xda: DecodeString(L, c, 2); return;
    case 0xc6: case 0xdb: DecodeString(L, c, 4); return;
    case 0xdc: case 0xdd: case 0xde: case 0xdf: {
      int bytes = (tag == 0xdc || tag == 0xde) ? 2 : 4;
      if (!fixed(bytes)) return;
      size_t n = c->BigEndian(1, bytes);
      c->Skip(1 + bytes);
      if (tag <= 0xdd) DecodeArray(L, c, n);
      else DecodeMap(L, c, n);
      return;
    }
    default:
      break;
  }
  if ((tag & 0x80) == 0) {
    lua_pushnumber(L, tag);
    c->Skip(1);
  } else if ((tag & 0xe0) == 0xe0) {
    lua_pushnumber(L, static_cast<int8_t>(tag));
    c->Skip(1);
  } else if ((tag & 0xe0) == 0xa0) {
    size_t len = tag & 0x1f;
    if (!c->Need(1 + len)) return;
    lua_pushlstring(L, reinterpret_cast<const char*>(c->p + 1), len);
    c->Skip(1 + len);
  } else if ((tag & 0xf0) == 0x90) {
    c->Skip(1);
    DecodeArray(L, c, tag & 0x0f);
  } else if ((tag & 0xf0) == 0x80) {
    c->Skip(1);
    DecodeMap(L, c, tag & 0x0f);
  } else {
    c->err = DecodeError::kBadFormat;
  }
}

int UnpackFull(lua_State* L, lua_Integer limit, lua_Integer offset) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  bool decode_all = limit == 0 && offset == 0;
  if (offset < 0 || limit < 0)
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  if (static_cast<size_t>(offset) > len)
    return luaL_error(L, "Start offset %d greater than input length %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  if (decode_all) limit = INT_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset, len - static_cast<size_t>(offset)};
  int count = 0;
  for (; c.left > 0 && count < limit; ++count) {
    luaL_checkstack(L, 1, "too many values to unpack");
    Decode(L, &c);
    if (c.err == DecodeError::kEof) return luaL_error(L, "Missing bytes in input.");
    if (c.err == DecodeError::kBadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (!decode_all) {
    luaL_checkstack(L, 1, "in function mp_unpack_full");
    lua_pushinteger(L, c.left == 0 ? -1 : static_cast<lua_Integer>(len - c.left));
    lua_insert(L, 2);
    ++count;
  }
  return count;
}

int Unpack(lua_State* L) { return UnpackFull(L, 0, 0); }

int UnpackOne(lua_State* L) {
  lua_Integer offset = luaL_optinteger(L, 2, 0);
  lua_settop(L, 1);
  return UnpackFull(L, 1, offset);
}

int UnpackLimit(lua_State* L) {
  lua_Integer limit = luaL_checkinteger(L, 2);
  lua_Integer offset = luaL_optinteger(L, 3, 0);
  lua_settop(L, 1);
  return UnpackFull(L, limit, offset);
}

}  // namespace

int luaopen_cmsgpack(lua_State* L) {
  const luaL_Reg funcs[] = {{"pack", Pack},
                            {"unpack", Unpack},
                            {"unpack_one", UnpackOne},
                            {"unpack_limit", UnpackLimit},
                            {nullptr, nullptr}};
  lua_newtable(L);
  luaL_register(L, nullptr, funcs);
  lua_pushliteral(L, "cmsgpack");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "lua-cmsgpack 0.4.0");
  lua_setfield(L, -2, "_VERSION");
  lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(L, -2, "_COPYRIGHT");
  lua_pushliteral(L, "MessagePack C implementation for Lua");
  lua_setfield(L, -2, "_DESCRIPTION");
  return 1;
}

}  // namespace corvid
