// Conversion between RESP replies and Lua values, as Redis 7.0 documents it for redis.call and for a script's
// return value (RESP2, and RESP3 after redis.setresp(3)).
#pragma once
#include <string_view>

struct lua_State;

namespace corvid {

class ReplyBuilder;

// Pushes Redis' Lua error table {err="CODE msg"} for msg: "-CODE msg" keeps its code, a message without a
// leading '-' gets "ERR "; trailing CR/LF are dropped.
void PushErrorTable(lua_State* L, std::string_view msg);
// Marks the error table on top as already counted in INFO errorstats (Redis' ignore_error_stats_update field):
// replying it later does not count it again.
void MarkErrorCounted(lua_State* L);
// Pushes the one reply in [p, end) as a Lua value: integer -> number, bulk -> string, nil bulk/array -> false,
// status -> {ok=}, error -> {err=}, array -> table; RESP3 map -> {map={}}, set -> {set={k=true}}, null -> nil,
// boolean, double -> {double=}, big number -> {big_number=}, verbatim -> {verbatim_string={format=,string=}}.
// REQUIRES: [p, end) holds exactly one well-formed reply (as the reply builder writes it).
void PushRespAsLua(lua_State* L, const char* p, const char* end);
// Replies the Lua value on top of the stack and pops it: string -> bulk, number -> integer (truncated), true ->
// 1 / false -> nil (or RESP3 booleans when script_resp is 3), tables with err/ok/double/big_number/
// verbatim_string/map/set fields, else an array up to the first nil; anything else -> nil. An error table marked
// by MarkErrorCounted is replied without counting it again.
void LuaToResp(lua_State* L, ReplyBuilder& rb, int script_resp);

}  // namespace corvid
