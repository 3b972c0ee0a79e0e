// The two Lua C modules Redis bundles that Debian does not package: `struct` (binary pack/unpack/size, the
// format of Roberto Ierusalimschy's struct library) and `cmsgpack` (MessagePack pack/unpack as lua-cmsgpack
// 0.4.0 encodes it). Each luaopen_* pushes its module table.
#pragma once

struct lua_State;

namespace corvid {

int luaopen_struct(lua_State* L);
int luaopen_cmsgpack(lua_State* L);

}  // namespace corvid
