#include "scripting/lua_engine.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
int luaopen_cjson(lua_State* L);
int luaopen_bit(lua_State* L);
}
#include <fmt/format.h>

#include <strings.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "acl/acl.h"
#include "commands/dispatcher.h"
#include "corvid/errors.h"
#include "db/evict.h"
#include "net/client.h"
#include "net/listener.h"
#include "net/poller.h"
#include "replication/master.h"
#include "scripting/lua_libs.h"
#include "scripting/lua_resp.h"
#include "server/config.h"
#include "server/log.h"
#include "server/memory.h"
#include "server/propagate.h"
#include "server/server.h"

namespace corvid {

namespace {

// An error outside any protected call (luaL_newstate's panic): logged, then Lua exits the process.
int LuaPanic(lua_State* L) {
  const char* msg = lua_tostring(L, -1);
  LogWarning("PANIC: unprotected error in call to Lua API ({})", msg ? msg : "?");
  return 0;
}

// ---- flags -------------------------------------------------------------------------------------------------

struct FlagName {
  const char* name;
  uint32_t flag;
};
constexpr FlagName kFlagNames[] = {
    {"no-writes", kScriptNoWrites}, {"allow-oom", kScriptAllowOom}, {"allow-stale", kScriptAllowStale},
    {"no-cluster", kScriptNoCluster}, {"allow-cross-slot-keys", kScriptAllowCrossSlot},
};

// ---- Redis' math.random: its rand48 port, one sequence for the whole process (Redis 7.0 does not reseed it
// per script), starting from rand48's initial state. ---------------------------------------------------------

uint64_t g_rand48 = 0x1234ABCD330EULL;
void Srand48(int32_t seed) { g_rand48 = (static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 16) | 0x330E; }
int32_t Lrand48() {
  g_rand48 = (0x5DEECE66DULL * g_rand48 + 0xB) & ((1ULL << 48) - 1);
  return static_cast<int32_t>(g_rand48 >> 17);
}

int MathRandom(lua_State* L) {
  constexpr int32_t kMax = INT32_MAX;
  lua_Number r = static_cast<lua_Number>(Lrand48() % kMax) / static_cast<lua_Number>(kMax);
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int MathRandomseed(lua_State* L) {
  Srand48(luaL_checkint(L, 1));
  return 0;
}

// ---- the read-only sandbox ---------------------------------------------------------------------------------
// Stock Lua 5.1 has no read-only tables (Redis patches its Lua for them), so every protected table is an empty
// proxy whose metatable reads through to the real table and refuses writes. A registry map (weak keys) takes a
// proxy to its real table for next/pairs/rawget; rawset and setmetatable refuse proxies.

char kProxiesKey;  // registry: proxy -> real table
char kGuardKey;    // registry: the value getmetatable() returns for a protected table

int ReadonlyError(lua_State* L) { return luaL_error(L, "Attempt to modify a readonly table"); }

// The same error without a position (as Redis raises it from rawset/setmetatable).
int ReadonlyErrorBare(lua_State* L) {
  lua_pushstring(L, "Attempt to modify a readonly table");
  return lua_error(L);
}

// Globals __index: the value from the real table (upvalue 1); reading a missing global from Lua code is an error.
int StrictIndex(lua_State* L) {
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (!lua_isnil(L, -1)) return 1;
  lua_Debug ar;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && std::strcmp(ar.what, "C") != 0) {
    const char* name = lua_tostring(L, 2);
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", name ? name : "?");
  }
  return 1;
}

// Replaces the table on top of the stack with a read-only proxy of it. strict: reading a missing field from Lua
// code raises "Script attempted to access nonexistent global variable".
void MakeReadonly(lua_State* L, bool strict) {
  lua_newtable(L);  // real proxy
  lua_newtable(L);  // real proxy mt
  lua_pushvalue(L, -3);
  if (strict) lua_pushcclosure(L, StrictIndex, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadonlyError);
  lua_setfield(L, -2, "__newindex");
  lua_pushlightuserdata(L, &kGuardKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);  // real proxy
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_rawget(L, LUA_REGISTRYINDEX);  // real proxy map
  lua_pushvalue(L, -2);
  lua_pushvalue(L, -4);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  lua_remove(L, -2);  // proxy
}

// Pushes the real table behind the value at idx (the value itself when it is not a proxy).
void PushReal(lua_State* L, int idx) {
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
  }
  lua_remove(L, -2);
}

bool IsProxy(lua_State* L, int idx) {
  PushReal(L, idx);
  bool proxy = !lua_rawequal(L, -1, idx);
  lua_pop(L, 1);
  return proxy;
}

int SandboxNext(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  PushReal(L, 1);
  lua_pushvalue(L, 2);
  if (lua_next(L, -2)) return 2;
  lua_pushnil(L);
  return 1;
}

int SandboxPairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushcfunction(L, SandboxNext);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

int SandboxRawget(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  PushReal(L, 1);
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

int SandboxRawset(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (IsProxy(L, 1)) return ReadonlyErrorBare(L);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

// setmetatable with the original as upvalue 1; protected tables refuse.
int SandboxSetmetatable(lua_State* L) {
  if (lua_type(L, 1) == LUA_TTABLE && IsProxy(L, 1)) return ReadonlyErrorBare(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// pcall as Redis replaces it: an error table ({err=...}, what redis.call raises) is caught as its err string.
int SandboxPcall(lua_State* L) {
  int argc = lua_gettop(L);
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0)) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) lua_replace(L, -2);
      else lua_pop(L, 1);
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

// ---- errors ------------------------------------------------------------------------------------------------

// The error handler of every script call (Redis' __redis__err__handler): a non-table error becomes
// {err='ERR '..msg}; the source and line of the Lua code that raised it are added.
int ErrorHandler(lua_State* L) {
  lua_Debug ar;
  bool have = lua_getstack(L, 1, &ar) && lua_getinfo(L, "nSl", &ar);
  if (have && std::strcmp(ar.what, "C") == 0) have = lua_getstack(L, 2, &ar) && lua_getinfo(L, "nSl", &ar);
  if (!lua_istable(L, 1)) {
    const char* msg = lua_tostring(L, 1);
    lua_pushfstring(L, "ERR %s", msg ? msg : (lua_isnil(L, 1) ? "nil" : luaL_typename(L, 1)));
    lua_newtable(L);
    lua_insert(L, -2);
    lua_setfield(L, -2, "err");
    lua_replace(L, 1);
  }
  if (have) {
    lua_pushstring(L, ar.source);
    lua_setfield(L, 1, "source");
    lua_pushinteger(L, ar.currentline);
    lua_setfield(L, 1, "line");
  }
  lua_settop(L, 1);
  return 1;
}

// ---- the running script ------------------------------------------------------------------------------------

struct RunCtx {
  Client* caller;
  Client* fake;
  const RunSpec* spec;
  lua_State* L;
  int64_t start_us;
  int resp = 2;
  bool read_only = false;
  bool wrote = false;
  bool timed_out = false;
  bool killed = false;
  int repl = 3;  // redis.set_repl flags: 1 AOF, 2 replicas
};
RunCtx* g_run = nullptr;

// The client scripts run their commands as (Redis' lua client).
Client& ScriptClient() {
  static std::unique_ptr<Client> c;
  if (!c) {
    c = std::make_unique<Client>();
    c->authenticated = true;
    c->addr = "lua";
  }
  return *c;
}

// A number argument of redis.call as Redis formats it ("%.17g"); integral values take the short path.
std::string NumberArg(lua_Number n) {
  bool integral = n == std::floor(n) && std::fabs(n) < 1e15 && !(n == 0 && std::signbit(n));
  if (integral) return std::to_string(static_cast<int64_t>(n));
  char buf[64];
  int len = snprintf(buf, sizeof(buf), "%.17g", static_cast<double>(n));
  return std::string(buf, static_cast<size_t>(len));
}

// The ACL check of redis.call for the script's caller (Redis' scriptVerifyACL): nullptr when allowed, else the
// script error; the denial goes to the ACL LOG with the caller's client info.
const char* AclRefusal(const Client& caller, const Command& cmd, CmdArgs argv) {
  size_t idx = 0;
  acl::Denial d = acl::CheckCommand(*caller.user, cmd, argv, &idx);
  if (d == acl::Denial::kNone) return nullptr;
  acl::AddLogEntry(caller, d, acl::LogContext::kLua, d == acl::Denial::kCommand ? cmd.fullname : std::string(argv[idx]),
                   caller.user->name);
  return (d == acl::Denial::kCommand ? err::kScriptNoPermCommand
          : d == acl::Denial::kKey   ? err::kScriptNoPermKey
                                     : err::kScriptNoPermChannel).data();
}

// Runs the command in the Lua arguments for the script and pushes its reply as Lua. True when redis.call must
// raise: an error table is on top. (No C++ object with a destructor may be alive when Lua raises, so the
// raising is left to the caller.)
bool ScriptCommand(lua_State* L, bool raise) {
  static std::vector<std::string> args;
  static std::vector<std::string_view> argv;
  int argc = lua_gettop(L);
  if (argc == 0) {
    PushErrorTable(L, "Please specify at least one argument for this redis lib call");
    return raise;
  }
  args.resize(argc);
  argv.resize(argc);
  for (int j = 0; j < argc; ++j) {
    int t = lua_type(L, j + 1);
    if (t == LUA_TNUMBER) {
      args[j] = NumberArg(lua_tonumber(L, j + 1));
    } else if (t == LUA_TSTRING) {
      size_t n;
      const char* s = lua_tolstring(L, j + 1, &n);
      args[j].assign(s, n);
    } else {
      PushErrorTable(L, "Lua redis lib command arguments must be strings or integers");
      return raise;
    }
    argv[j] = args[j];
  }
  RunCtx& run = *g_run;
  Command* cmd = Commands().Find(argv[0]);
  if (cmd && !cmd->subcommands.empty() && argc >= 2) cmd = CommandRegistry::FindSub(*cmd, argv[1]);
  const char* refuse = nullptr;
  if (!cmd) {
    refuse = "Unknown Redis command called from script";
  } else if (!ArityOk(*cmd, static_cast<size_t>(argc))) {
    refuse = "Wrong number of args calling Redis command from script";
  } else if (cmd->flags & kCmdNoscript) {
    refuse = "This Redis command is not allowed from script";
  } else if (run.caller->user->restricted) {
    refuse = AclRefusal(*run.caller, *cmd, argv);
  }
  if (!refuse && run.read_only && (cmd->flags & (kCmdWrite | kCmdMayReplicate)))
    refuse = "Write commands are not allowed from read-only scripts.";
  // Past maxmemory a script may not start writing with a denyoom command (Redis' scriptVerifyOOM): once it
  // wrote, it runs to the end; allow-oom scripts are never stopped.
  bool oom = !refuse && (cmd->flags & kCmdDenyOom) && !(run.spec->flags & kScriptAllowOom) && !run.wrote &&
             PreCommandOom();
  if (refuse || oom) {
    PushErrorTable(L, oom ? fmt::format("-{}", err::kOom) : std::string(refuse));
    MarkErrorCounted(L);
    CountError(oom ? "OOM" : "ERR");
    if (cmd) ++cmd->rejected_calls;
    return raise;
  }
  if (cmd->flags & kCmdWrite) run.wrote = true;
  Client& fake = *run.fake;
  std::string& out = fake.out.raw();
  out.clear();
  bool muted = MutePropagation(!(run.repl & 1));
  Dispatch(fake, argv);
  MutePropagation(muted);
  bool is_error = !out.empty() && out[0] == '-';
  PushRespAsLua(L, out.data(), out.data() + out.size());
  if (is_error) MarkErrorCounted(L);  // the dispatcher counted it
  out.clear();
  return is_error && raise;
}

int LuaCall(lua_State* L) { return ScriptCommand(L, true) ? lua_error(L) : 1; }
int LuaPcall(lua_State* L) {
  ScriptCommand(L, false);
  return 1;
}

// Raises the Redis-style error table for msg (no position, as Redis' luaPushError + luaError).
int RaiseError(lua_State* L, const char* msg) {
  PushErrorTable(L, msg);
  return lua_error(L);
}

int LuaSha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "wrong number of arguments");
  size_t n = 0;
  const char* s = lua_tolstring(L, 1, &n);
  char hex[40];
  Sha1HexTo(s ? std::string_view(s, n) : std::string_view(), hex);
  lua_pushlstring(L, hex, sizeof(hex));
  return 1;
}

// redis.error_reply / redis.status_reply: a one-field table; a bad argument returns (not raises) an error.
int SingleFieldTable(lua_State* L, const char* field) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, field);
  return 1;
}

int LuaErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) return SingleFieldTable(L, "err");
  size_t n;
  const char* s = lua_tolstring(L, 1, &n);
  if (n > 0 && s[0] == '-') {
    PushErrorTable(L, std::string_view(s, n));
  } else {
    lua_pushfstring(L, "-%s", s);
    size_t m;
    const char* e = lua_tolstring(L, -1, &m);
    PushErrorTable(L, std::string_view(e, m));
  }
  return 1;
}

int LuaStatusReply(lua_State* L) { return SingleFieldTable(L, "ok"); }

// redis.log's message buffer (static: Lua may raise while it is in use, which would skip a destructor).
std::string& LogBuffer() {
  static std::string buf;
  return buf;
}

int LuaLog(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 2) return RaiseError(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) return RaiseError(L, "First argument must be a number (log level).");
  int level = static_cast<int>(lua_tonumber(L, 1));
  if (level < 0 || level > 3) return RaiseError(L, "Invalid debug level.");
  std::string& msg = LogBuffer();
  msg.clear();
  for (int j = 2; j <= argc; ++j) {
    size_t n;
    const char* s = lua_tolstring(L, j, &n);
    if (!s) continue;
    if (j != 2) msg += ' ';
    msg.append(s, n);
  }
  switch (level) {
    case 0: LogDebug("{}", msg); break;
    case 1: LogVerbose("{}", msg); break;
    case 2: LogNotice("{}", msg); break;
    default: LogWarning("{}", msg); break;
  }
  return 0;
}

int LuaSetresp(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.setresp() requires one argument.");
  int resp = static_cast<int>(lua_tonumber(L, 1));
  if (resp != 2 && resp != 3) return RaiseError(L, "RESP version must be 2 or 3.");
  if (g_run) {
    g_run->resp = resp;
    g_run->fake->reply.SetResp(resp);
  }
  return 0;
}

int LuaSetRepl(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.set_repl() requires two arguments.");
  int flags = static_cast<int>(lua_tonumber(L, -1));
  if (flags & ~3) return RaiseError(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  if (g_run) g_run->repl = flags;
  return 0;
}

int LuaTrue(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}
int LuaFalse(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}
int LuaNothing(lua_State*) { return 0; }

int LuaAclCheckCmd(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc == 0) return RaiseError(L, "Please specify at least one argument for this redis lib call");
  const char* name = lua_tostring(L, 1);
  const Command* cmd = name ? Commands().Find(name) : nullptr;
  if (cmd && !cmd->subcommands.empty() && argc >= 2) {
    const char* sub = lua_tostring(L, 2);
    cmd = sub ? CommandRegistry::FindSub(*cmd, sub) : nullptr;
  }
  if (!cmd) return RaiseError(L, "Invalid command passed to redis.acl_check_cmd()");
  lua_pushboolean(L, 1);  // no ACL users yet: the default user may run everything
  return 1;
}

void SetField(lua_State* L, const char* name, lua_CFunction fn) {
  lua_pushcfunction(L, fn);
  lua_setfield(L, -2, name);
}
void SetNumber(lua_State* L, const char* name, lua_Number v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, name);
}

// log, LOG_* and the version fields, shared by the runtime and the library-load `redis` tables.
void AddLogAndVersion(lua_State* L) {
  SetField(L, "log", LuaLog);
  SetNumber(L, "LOG_DEBUG", 0);
  SetNumber(L, "LOG_VERBOSE", 1);
  SetNumber(L, "LOG_NOTICE", 2);
  SetNumber(L, "LOG_WARNING", 3);
  lua_pushstring(L, "7.0.15");
  lua_setfield(L, -2, "REDIS_VERSION");
  SetNumber(L, "REDIS_VERSION_NUM", 0x0007000f);
}

// Pushes the runtime `redis` table (unprotected; the caller protects it).
void PushRedisTable(lua_State* L) {
  lua_newtable(L);
  SetField(L, "call", LuaCall);
  SetField(L, "pcall", LuaPcall);
  SetField(L, "sha1hex", LuaSha1hex);
  SetField(L, "error_reply", LuaErrorReply);
  SetField(L, "status_reply", LuaStatusReply);
  SetField(L, "setresp", LuaSetresp);
  SetField(L, "set_repl", LuaSetRepl);
  SetField(L, "replicate_commands", LuaTrue);
  SetField(L, "breakpoint", LuaFalse);
  SetField(L, "debug", LuaNothing);
  SetField(L, "acl_check_cmd", LuaAclCheckCmd);
  SetNumber(L, "REPL_NONE", 0);
  SetNumber(L, "REPL_AOF", 1);
  SetNumber(L, "REPL_SLAVE", 2);
  SetNumber(L, "REPL_REPLICA", 2);
  SetNumber(L, "REPL_ALL", 3);
  AddLogAndVersion(L);
}

// The count hook: past busy-reply-threshold it serves other clients (which get -BUSY) and stops the script
// when SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE asked for it.
void Hook(lua_State* L, lua_Debug*) {
  RunCtx* run = g_run;
  if (!run) return;
  if (!run->killed) {
    int64_t elapsed_ms = (MonotonicUs() - run->start_us) / 1000;
    if (elapsed_ms < Cfg().busy_reply_threshold) return;
    if (!run->timed_out) {
      run->timed_out = true;
      LogWarning(
          "Slow script detected: still in execution after {} milliseconds. You can try killing the script using "
          "the {} command. Script name is: {}.",
          elapsed_ms, run->spec->is_eval ? "SCRIPT KILL" : "FUNCTION KILL", run->spec->name);
      if (run->caller->conn) PollerRemove(run->caller->fd);  // its next commands wait for the script
    }
    AcceptWaitingConnections();
    PollerServeWhileBusy();
    if (Io().stopped()) run->killed = true;  // SHUTDOWN NOSAVE
    if (!run->killed) return;
    LogWarning("Lua script killed by user with SCRIPT KILL.");
  }
  // Fire on every line from now on, so a pcall in the script cannot swallow the kill.
  lua_sethook(L, Hook, LUA_MASKLINE, 0);
  RaiseError(L, "Script killed by user with SCRIPT KILL...");
}

// FUNCTION LOAD's limit on running library code.
constexpr int64_t kLoadTimeoutMs = 500;
int64_t g_load_start_us = 0;

void LoadHook(lua_State* L, lua_Debug*) {
  if ((MonotonicUs() - g_load_start_us) / 1000 <= kLoadTimeoutMs) return;
  lua_sethook(L, LoadHook, LUA_MASKLINE, 0);
  RaiseError(L, "FUNCTION LOAD timeout");
}

}  // namespace

// ---- public ------------------------------------------------------------------------------------------------

bool AddScriptFlag(std::string_view name, uint32_t* flags) {
  for (const FlagName& f : kFlagNames) {
    if (name == f.name) {
      *flags |= f.flag;
      return true;
    }
  }
  return false;
}

std::vector<std::string_view> ScriptFlagNames(uint32_t flags) {
  std::vector<std::string_view> out;
  for (const FlagName& f : kFlagNames)
    if (flags & f.flag) out.push_back(f.name);
  return out;
}

// SHA1 (FIPS 180-1), computed here: OpenSSL 3's one-shot SHA1() fetches the digest under a lock on every call,
// which showed in EVAL profiles.
void Sha1HexTo(std::string_view s, char out[40]) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  auto rotl = [](uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
  auto block = [&](const unsigned char* p) {
    uint32_t w[80];
    for (int i = 0; i < 16; ++i)
      w[i] = (uint32_t{p[4 * i]} << 24) | (uint32_t{p[4 * i + 1]} << 16) | (uint32_t{p[4 * i + 2]} << 8) | p[4 * i + 3];
    for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      uint32_t f, k;
      if (i < 20) f = (b & c) | (~b & d), k = 0x5A827999;
      else if (i < 40) f = b ^ c ^ d, k = 0x6ED9EBA1;
      else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
      else f = b ^ c ^ d, k = 0xCA62C1D6;
      uint32_t t = rotl(a, 5) + f + e + k + w[i];
      e = d, d = c, c = rotl(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
  };
  const unsigned char* data = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), full = n / 64 * 64;
  for (size_t i = 0; i < full; i += 64) block(data + i);
  unsigned char tail[128] = {};
  size_t rest = n - full;
  if (rest) memcpy(tail, data + full, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest + 9 <= 64 ? 64 : 128;
  uint64_t bits = static_cast<uint64_t>(n) * 8;
  for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  for (size_t i = 0; i < tail_len; i += 64) block(tail + i);
  for (int i = 0; i < 20; ++i) {
    unsigned char byte = static_cast<unsigned char>(h[i / 4] >> (24 - 8 * (i % 4)));
    out[2 * i] = "0123456789abcdef"[byte >> 4];
    out[2 * i + 1] = "0123456789abcdef"[byte & 15];
  }
}

std::string Sha1Hex(std::string_view s) {
  char hex[40];
  Sha1HexTo(s, hex);
  return std::string(hex, sizeof(hex));
}

std::vector<std::string_view> ShebangWords(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

LuaEngine::LuaEngine(Kind kind, int (*register_function)(lua_State*))
    : kind_(kind), register_function_(register_function) {
  Setup();
}

LuaEngine::~LuaEngine() {
  if (L_) lua_close(L_);
}

void LuaEngine::Setup() {
  lua_State* L = L_ = lua_newstate(LuaAllocator, nullptr);
  lua_atpanic(L, LuaPanic);
  // Registry: the proxy map (weak keys) and the metatable guard.
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_newtable(L);
  lua_newtable(L);
  lua_pushstring(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L, &kGuardKey);
  lua_newtable(L);
  lua_rawset(L, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L, &kGuardKey);
  lua_pushlightuserdata(L, &kGuardKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  MakeReadonly(L, false);
  lua_rawset(L, LUA_REGISTRYINDEX);

  // The libraries Redis 7.0 loads, into the real globals table.
  const std::pair<const char*, lua_CFunction> libs[] = {
      {"", luaopen_base},          {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
      {LUA_MATHLIBNAME, luaopen_math}, {"cjson", luaopen_cjson},       {"bit", luaopen_bit},
      {"struct", luaopen_struct},  {"cmsgpack", luaopen_cmsgpack},
  };
  for (const auto& [name, fn] : libs) {
    lua_pushcfunction(L, fn);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (*name) lua_setglobal(L, name);
    else lua_pop(L, 1);
  }
  lua_getglobal(L, LUA_MATHLIBNAME);
  SetField(L, "random", MathRandom);
  SetField(L, "randomseed", MathRandomseed);
  lua_pop(L, 1);
  // Not in Redis' sandbox.
  for (const char* name : {"loadfile", "dofile", "print", "setfenv", "getfenv", "module", "require", "newproxy",
                           "package", "os", "io", "debug"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_getglobal(L, "setmetatable");
  lua_pushcclosure(L, SandboxSetmetatable, 1);
  lua_setglobal(L, "setmetatable");
  lua_pushcfunction(L, SandboxNext);
  lua_setglobal(L, "next");
  lua_pushcfunction(L, SandboxPcall);
  lua_setglobal(L, "pcall");
  lua_pushcfunction(L, SandboxPairs);
  lua_setglobal(L, "pairs");
  lua_pushcfunction(L, SandboxRawget);
  lua_setglobal(L, "rawget");
  lua_pushcfunction(L, SandboxRawset);
  lua_setglobal(L, "rawset");
  // Error handler, kept in the registry (Redis also exposes it as a global).
  lua_pushcfunction(L, ErrorHandler);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "__redis__err__handler");
  lua_setfield(L, LUA_REGISTRYINDEX, "corvid.errh");

  PushRedisTable(L);
  lua_setglobal(L, "redis");
  // Library tables become read-only; strings' metatable reads through the protected string table.
  for (const char* name : {LUA_TABLIBNAME, LUA_STRLIBNAME, LUA_MATHLIBNAME, "coroutine", "cjson", "bit", "struct",
                           "cmsgpack", "redis"}) {
    lua_getglobal(L, name);
    MakeReadonly(L, false);
    lua_setglobal(L, name);
  }
  lua_pushstring(L, "");
  lua_getmetatable(L, -1);
  lua_getglobal(L, LUA_STRLIBNAME);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, -1);
  MakeReadonly(L, false);
  lua_setfield(L, -2, "__metatable");  // getmetatable('') sees a read-only view of it
  lua_pop(L, 2);

  // The globals table itself becomes a strict read-only proxy; the real one is kept in the registry.
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_pushvalue(L, -1);
  runtime_globals_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  MakeReadonly(L, true);  // proxy
  lua_rawgeti(L, LUA_REGISTRYINDEX, runtime_globals_ref_);
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "_G");
  lua_pop(L, 1);
  lua_replace(L, LUA_GLOBALSINDEX);

  if (kind_ == Kind::kFunctions) {
    // Library-load globals: only a `redis` with register_function, log and the version; strict throughout.
    lua_newtable(L);
    lua_newtable(L);
    SetField(L, "register_function", register_function_);
    AddLogAndVersion(L);
    MakeReadonly(L, true);
    lua_setfield(L, -2, "redis");
    load_globals_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  }
}

size_t LuaEngine::VmBytes() const {
  return static_cast<size_t>(lua_gc(L_, LUA_GCCOUNT, 0)) * 1024 + static_cast<size_t>(lua_gc(L_, LUA_GCCOUNTB, 0));
}

void LuaEngine::SetLoadGlobals(bool loading) {
  lua_State* L = L_;
  int real_ref = loading ? load_globals_ref_ : runtime_globals_ref_;
  lua_pushvalue(L, LUA_GLOBALSINDEX);  // proxy
  lua_getmetatable(L, -1);             // proxy mt
  lua_getfield(L, -1, "__index");      // proxy mt index
  lua_rawgeti(L, LUA_REGISTRYINDEX, real_ref);
  lua_setupvalue(L, -2, 1);
  lua_pop(L, 2);  // proxy
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, -2);
  lua_rawgeti(L, LUA_REGISTRYINDEX, real_ref);
  lua_rawset(L, -3);
  lua_pop(L, 2);
}

bool LuaEngine::Compile(std::string_view code, const char* chunk, std::string* err) {
  if (luaL_loadbuffer(L_, code.data(), code.size(), chunk) == 0) return true;
  const char* msg = lua_tostring(L_, -1);
  *err = msg ? msg : "";
  lua_pop(L_, 1);
  return false;
}

bool LuaEngine::CallProtected(std::string* err) {
  g_load_start_us = MonotonicUs();
  lua_sethook(L_, LoadHook, LUA_MASKCOUNT, 100000);
  int rc = lua_pcall(L_, 0, 0, 0);
  lua_sethook(L_, nullptr, 0, 0);
  if (rc == 0) return true;
  if (lua_type(L_, -1) == LUA_TSTRING) {
    *err = fmt::format("ERR {}", lua_tostring(L_, -1));
  } else if (lua_istable(L_, -1)) {
    lua_getfield(L_, -1, "err");
    const char* e = lua_tostring(L_, -1);
    *err = e ? e : "";
    lua_pop(L_, 1);
  }
  lua_pop(L_, 1);
  return false;
}

namespace {
// Pushes a table of the strings in v.
void PushStringArray(lua_State* L, CmdArgs v) {
  lua_createtable(L, static_cast<int>(v.size()), 0);
  for (size_t i = 0; i < v.size(); ++i) {
    lua_pushlstring(L, v[i].data(), v[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
}

// Replies the error value on top of the stack (the table the error handler built) with Redis' suffix
// " script: <name>, on <source>:<line>.".
void ReplyScriptError(lua_State* L, Client& caller, std::string_view name) {
  if (!lua_istable(L, -1)) {
    const char* msg = lua_tostring(L, -1);
    std::string_view m = msg ? msg : "execution failure";
    caller.reply.Error(fmt::format("ERR Error running script {}, {}", name, m.substr(0, 100)));
    return;
  }
  lua_getfield(L, -1, "err");
  lua_getfield(L, -2, "source");
  lua_getfield(L, -3, "line");
  const char* err = lua_tostring(L, -3);
  const char* source = lua_tostring(L, -2);
  const char* line = lua_tostring(L, -1);
  std::string msg = err ? err : "";
  if (source && line) msg += fmt::format(" script: {}, on {}:{}.", name, source, line);
  lua_pop(L, 3);
  caller.reply.Error(msg);
  lua_getfield(L, -1, "ignore_error_stats_update");
  if (lua_toboolean(L, -1)) caller.reply.TakeLastError();  // counted where the command failed
  lua_pop(L, 1);
}
}  // namespace

void LuaEngine::Run(Client& caller, const RunSpec& spec, CmdArgs keys, CmdArgs args) {
  lua_State* L = L_;
  lua_getfield(L, LUA_REGISTRYINDEX, "corvid.errh");
  lua_insert(L, -2);  // errh fn
  int errh = lua_gettop(L) - 1;
  int nargs = 0;
  if (spec.is_eval) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, runtime_globals_ref_);
    PushStringArray(L, keys);
    lua_setfield(L, -2, "KEYS");
    PushStringArray(L, args);
    lua_setfield(L, -2, "ARGV");
    lua_pop(L, 1);
  } else {
    PushStringArray(L, keys);
    PushStringArray(L, args);
    nargs = 2;
  }
  // A script that may write without allow-oom is refused past maxmemory before it starts (a shebang script;
  // EVAL without one is checked per command).
  if (!(spec.flags & (kScriptEvalCompat | kScriptAllowOom | kScriptNoWrites)) && !spec.read_only && PreCommandOom()) {
    lua_pop(L, 2);  // the function and errh
    return caller.reply.Error(err::kOom);
  }
  // So is a shebang script that may write while min-replicas-to-write is not met.
  if (!(spec.flags & (kScriptEvalCompat | kScriptNoWrites)) && !spec.read_only && !EnoughGoodReplicas()) {
    lua_pop(L, 2);
    return caller.reply.Error(err::kNoReplicas);
  }
  Client& fake = ScriptClient();
  fake.SelectDb(caller.db_index());
  fake.reply.SetResp(2);
  fake.flags = kClientDenyBlocking;
  RunCtx run{&caller, &fake, &spec, L, MonotonicUs()};
  run.read_only = spec.read_only || (spec.flags & kScriptNoWrites);
  g_run = &run;
  FrozenExpireClock frozen;  // from the time the dispatcher read before this script's command
  bool hooked = Cfg().busy_reply_threshold > 0;
  if (hooked) lua_sethook(L, Hook, LUA_MASKCOUNT, 100000);
  int rc = lua_pcall(L, nargs, 1, errh);
  if (hooked) lua_sethook(L, nullptr, 0, 0);
  g_run = nullptr;
  if (run.timed_out) {
    LogWarning("Slow script finished after {} milliseconds", (MonotonicUs() - run.start_us) / 1000);
    if (caller.conn) PollerAdd(caller.fd, caller.conn);
  }
  if (rc) {
    ReplyScriptError(L, caller, spec.name);
    lua_pop(L, 1);
  } else {
    LuaToResp(L, caller.reply, run.resp);  // pops the result
  }
  lua_pop(L, 1);  // errh
  if (--gc_countdown_ == 0) {
    lua_gc(L, LUA_GCSTEP, 50);
    gc_countdown_ = 50;
  }
}

bool ScriptRunning() { return g_run != nullptr; }

bool ScriptBusyRejects(const Client& c, const Command& cmd, CmdArgs argv, std::string_view* msg) {
  if (!g_run || !g_run->timed_out || &c == g_run->fake) return false;
  bool allowed = cmd.flags & kCmdAllowBusy;
  // SHUTDOWN runs during a busy script only with NOSAVE.
  if (allowed && cmd.name == "shutdown") {
    allowed = false;
    for (size_t i = 1; i < argv.size(); ++i)
      if (argv[i].size() == 6 && strncasecmp(argv[i].data(), "nosave", 6) == 0) allowed = true;
  }
  if (allowed) return false;
  *msg = g_run->spec->is_eval ? err::kBusyEval : err::kBusyFunction;
  return true;
}

void ScriptKill(Client& c, bool is_eval) {
  if (!g_run) return c.reply.Error(err::kNotBusy);
  if (g_run->wrote) return c.reply.Error(err::kUnkillable);
  if (is_eval != g_run->spec->is_eval) return c.reply.Error(is_eval ? err::kBusyFunction : err::kBusyEval);
  g_run->killed = true;
  c.reply.Ok();
}

void ReplyRunningFunction(Client& c) {
  if (!g_run || g_run->spec->is_eval) return c.reply.Null();
  c.reply.Map(3);
  c.reply.Bulk("name");
  c.reply.Bulk(g_run->spec->name);
  c.reply.Bulk("command");
  c.reply.Array(g_run->spec->argv.size());
  for (std::string_view a : g_run->spec->argv) c.reply.Bulk(a);
  c.reply.Bulk("duration_ms");
  c.reply.Int((MonotonicUs() - g_run->start_us) / 1000);
}

}  // namespace corvid
