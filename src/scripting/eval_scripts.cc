#include "scripting/eval_scripts.h"

#include <fmt/format.h>

#include <memory>
#include <unordered_map>

#include "corvid/errors.h"
#include "net/client.h"
#include "scripting/lua_engine.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

namespace corvid {

namespace {

struct CachedScript {
  std::string body;
  uint32_t flags = 0;
  int ref = 0;  // the compiled function in the Lua registry
};

struct EvalState {
  std::unique_ptr<LuaEngine> engine = std::make_unique<LuaEngine>(LuaEngine::Kind::kEval);
  std::unordered_map<std::string, CachedScript> scripts;
  size_t bytes = 0;
};

EvalState& State() {
  static EvalState s;
  return s;
}

}  // namespace

bool ParseEvalShebang(std::string_view body, uint32_t* flags, size_t* shebang_len, std::string* err) {
  *flags = kScriptEvalCompat;
  *shebang_len = 0;
  if (body.substr(0, 2) != "#!") return true;
  size_t nl = body.find('\n');
  if (nl == std::string_view::npos) {
    *err = "ERR Invalid script shebang";
    return false;
  }
  std::vector<std::string_view> parts = ShebangWords(body.substr(0, nl));
  if (parts.empty()) {
    *err = "ERR Invalid engine in script shebang";
    return false;
  }
  if (parts[0] != "#!lua") {
    *err = fmt::format("ERR Unexpected engine in script shebang: {}", parts[0]);
    return false;
  }
  *flags = 0;
  for (size_t j = 1; j < parts.size(); ++j) {
    if (parts[j].substr(0, 6) != "flags=") {
      *err = fmt::format("ERR Unknown lua shebang option: {}", parts[j]);
      return false;
    }
    std::string_view list = parts[j].substr(6);
    size_t at = 0;
    while (true) {
      size_t comma = list.find(',', at);
      std::string_view name = list.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
      if (!AddScriptFlag(name, flags) && !(name.empty() && list.empty())) {
        *err = fmt::format("ERR Unexpected flag in script shebang: {}", name);
        return false;
      }
      if (comma == std::string_view::npos) break;
      at = comma + 1;
    }
  }
  *shebang_len = nl;
  return true;
}

bool CacheScript(std::string_view body, std::string* sha, std::string* err) {
  EvalState& st = State();
  *sha = Sha1Hex(body);
  if (st.scripts.count(*sha)) return true;
  CachedScript s;
  size_t shebang_len;
  if (!ParseEvalShebang(body, &s.flags, &shebang_len, err)) return false;
  std::string lua_err;
  if (!st.engine->Compile(body.substr(shebang_len), "@user_script", &lua_err)) {
    *err = fmt::format("ERR Error compiling script (new function): {}", lua_err);
    return false;
  }
  s.ref = luaL_ref(st.engine->state(), LUA_REGISTRYINDEX);
  s.body.assign(body);
  st.bytes += body.size();
  st.scripts.emplace(*sha, std::move(s));
  return true;
}

bool ScriptCached(std::string_view sha) { return State().scripts.count(std::string(sha)) > 0; }

bool RunCachedScript(Client& c, std::string_view sha, bool read_only, CmdArgs argv, CmdArgs keys, CmdArgs args) {
  EvalState& st = State();
  auto it = st.scripts.find(std::string(sha));
  if (it == st.scripts.end()) return false;
  const CachedScript& s = it->second;
  if (read_only && !(s.flags & (kScriptEvalCompat | kScriptNoWrites))) {
    c.reply.Error(err::kScriptWriteFlagRo);
    return true;
  }
  RunSpec spec{it->first, s.flags, read_only, true, argv};
  lua_rawgeti(st.engine->state(), LUA_REGISTRYINDEX, s.ref);
  st.engine->Run(c, spec, keys, args);
  return true;
}

void FlushScripts() {
  EvalState& st = State();
  st.scripts.clear();
  st.bytes = 0;
  st.engine = std::make_unique<LuaEngine>(LuaEngine::Kind::kEval);
}

size_t CachedScriptsBytes() { return State().bytes; }
size_t CachedScriptsCount() { return State().scripts.size(); }
size_t EvalVmBytes() { return State().engine->VmBytes(); }

}  // namespace corvid
