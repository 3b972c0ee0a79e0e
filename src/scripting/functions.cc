#include "scripting/functions.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}
#include <fmt/format.h>
#include <strings.h>

#include <map>
#include <memory>

#include "corvid/errors.h"
#include "net/client.h"
#include "persistence/rdb_format.h"
#include "server/config.h"
#include "scripting/lua_engine.h"
#include "scripting/lua_resp.h"
#include "util/numeric.h"

namespace corvid {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
  return out;
}

struct FunctionsState {
  std::unique_ptr<LuaEngine> engine;
  std::map<std::string, std::unique_ptr<FunctionLibrary>> libraries;  // by lowercase name
  std::map<std::string, std::pair<FunctionLibrary*, size_t>> functions;  // lowercase name -> (library, index)
  FunctionLibrary* loading = nullptr;  // the library being loaded (register_function adds to it)
};

int RegisterFunction(lua_State* L);

FunctionsState& State() {
  static FunctionsState s;
  if (!s.engine) s.engine = std::make_unique<LuaEngine>(LuaEngine::Kind::kFunctions, RegisterFunction);
  return s;
}

bool ValidName(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s)
    if (!isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  return true;
}

constexpr const char* kBadName =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

// Reads register_function's arguments into *fi and leaves the callback on top; an error text or nullptr.
const char* ReadRegisterArgs(lua_State* L, FunctionInfo* fi) {
  int argc = lua_gettop(L);
  if (argc < 1 || argc > 2) return "wrong number of arguments to redis.register_function";
  if (argc == 2) {
    if (!lua_isstring(L, 1)) return "first argument to redis.register_function must be a string";
    if (!lua_isfunction(L, 2)) return "second argument to redis.register_function must be a function";
    fi->name = lua_tostring(L, 1);
    lua_pushvalue(L, 2);
    return nullptr;
  }
  if (!lua_istable(L, 1)) {
    return "calling redis.register_function with a single argument is only applicable to Lua table (representing "
           "named arguments).";
  }
  bool have_name = false, have_callback = false;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING) return "named argument key given to redis.register_function is not a string";
    const char* key = lua_tostring(L, -2);
    if (strcasecmp(key, "function_name") == 0) {
      if (!lua_isstring(L, -1)) return "function_name argument given to redis.register_function must be a string";
      fi->name = lua_tostring(L, -1);
      have_name = true;
    } else if (strcasecmp(key, "description") == 0) {
      if (!lua_isstring(L, -1)) return "description argument given to redis.register_function must be a string";
      fi->description = lua_tostring(L, -1);
      fi->has_description = true;
    } else if (strcasecmp(key, "callback") == 0) {
      if (!lua_isfunction(L, -1)) return "callback argument given to redis.register_function must be a function";
      have_callback = true;
    } else if (strcasecmp(key, "flags") == 0) {
      if (!lua_istable(L, -1)) return "flags argument to redis.register_function must be a table representing function flags";
      for (int j = 1;; ++j) {
        lua_rawgeti(L, -1, j);
        if (lua_isnil(L, -1)) {
          lua_pop(L, 1);
          break;
        }
        const char* flag = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : nullptr;
        bool ok = flag && AddScriptFlag(flag, &fi->flags);
        lua_pop(L, 1);
        if (!ok) return "unknown flag given";
      }
    } else {
      return "unknown argument given to redis.register_function";
    }
    lua_pop(L, 1);
  }
  if (!have_name) return "redis.register_function must get a function name argument";
  if (!have_callback) return "redis.register_function must get a callback argument";
  // The callback (its key may be in any case) goes on top.
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    if (lua_type(L, -2) == LUA_TSTRING && strcasecmp(lua_tostring(L, -2), "callback") == 0) {
      lua_remove(L, -2);
      break;
    }
    lua_pop(L, 1);
  }
  return nullptr;
}

// Adds the function to the library being loaded; an error text or nullptr. The callback is on top (popped).
const char* AddFunction(lua_State* L, FunctionsState& st, FunctionInfo* fi) {
  if (!ValidName(fi->name)) return kBadName;
  for (const FunctionInfo& f : st.loading->functions)
    if (strcasecmp(f.name.c_str(), fi->name.c_str()) == 0) return "Function already exists in the library";
  fi->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  st.loading->functions.push_back(std::move(*fi));
  return nullptr;
}

// redis.register_function: only while FUNCTION LOAD runs the library code.
int RegisterFunction(lua_State* L) {
  static FunctionInfo fi;
  FunctionsState& st = State();
  const char* error = nullptr;
  if (!st.loading) {
    error = "redis.register_function can only be called on FUNCTION LOAD command";
  } else {
    fi = FunctionInfo{};
    error = ReadRegisterArgs(L, &fi);
    if (!error) error = AddFunction(L, st, &fi);
  }
  if (!error) return 0;
  PushErrorTable(L, error);
  return lua_error(L);
}

// Parses "#!<engine> name=<lib>"; the engine, the library name and where the code after the shebang line starts.
bool ParseLibraryShebang(std::string_view code, std::string* engine, std::string* name, size_t* code_at,
                         std::string* err) {
  if (code.substr(0, 2) != "#!") {
    *err = "ERR Missing library metadata";
    return false;
  }
  size_t nl = code.find('\n');
  if (nl == std::string_view::npos) {
    *err = "ERR Invalid library metadata";
    return false;
  }
  std::vector<std::string_view> parts = ShebangWords(code.substr(0, nl));
  bool have_name = false;
  for (size_t j = 1; j < parts.size(); ++j) {
    if (parts[j].substr(0, 5) == "name=") {
      *name = parts[j].substr(5);
      have_name = true;
    } else {
      *err = fmt::format("ERR Invalid metadata value given: {}", parts[j]);
      return false;
    }
  }
  if (!have_name) {
    *err = "ERR Library name was not given";
    return false;
  }
  *engine = parts[0].substr(2);
  *code_at = nl;
  return true;
}

void ReleaseLibrary(FunctionsState& st, FunctionLibrary& lib) {
  for (const FunctionInfo& f : lib.functions) luaL_unref(st.engine->state(), LUA_REGISTRYINDEX, f.ref);
}

// Indexes lib's functions; false (nothing indexed) when one is already defined by another library.
bool IndexFunctions(FunctionsState& st, FunctionLibrary* lib, std::string* err) {
  for (const FunctionInfo& f : lib->functions) {
    if (st.functions.count(Lower(f.name))) {
      *err = fmt::format("ERR Function {} already exists", f.name);
      return false;
    }
  }
  for (size_t i = 0; i < lib->functions.size(); ++i) st.functions[Lower(lib->functions[i].name)] = {lib, i};
  return true;
}

void UnindexFunctions(FunctionsState& st, const FunctionLibrary& lib) {
  for (const FunctionInfo& f : lib.functions) st.functions.erase(Lower(f.name));
}

// Compiles and runs the library code, collecting its functions; nullptr with *err on an error. Unless
// may_exist, a library of the same name is an error.
std::unique_ptr<FunctionLibrary> BuildLibrary(FunctionsState& st, std::string_view code, bool may_exist,
                                              std::string* err) {
  std::string engine, name;
  size_t code_at;
  if (!ParseLibraryShebang(code, &engine, &name, &code_at, err)) return nullptr;
  if (!ValidName(name)) {
    *err = fmt::format("ERR {}", kBadName);
    return nullptr;
  }
  if (strcasecmp(engine.c_str(), "lua") != 0) {
    *err = fmt::format("ERR Engine '{}' not found", engine);
    return nullptr;
  }
  if (!may_exist && st.libraries.count(Lower(name))) {
    *err = fmt::format("ERR Library '{}' already exists", name);
    return nullptr;
  }
  auto lib = std::make_unique<FunctionLibrary>();
  lib->name = name;
  lib->code.assign(code);
  std::string lua_err;
  if (!st.engine->Compile(code.substr(code_at), "@user_function", &lua_err)) {
    *err = fmt::format("ERR Error compiling function: {}", lua_err);
    return nullptr;
  }
  st.loading = lib.get();
  st.engine->SetLoadGlobals(true);
  bool ok = st.engine->CallProtected(&lua_err);
  st.engine->SetLoadGlobals(false);
  st.loading = nullptr;
  if (!ok) {
    *err = fmt::format("ERR Error registering functions: {}", lua_err);
  } else if (lib->functions.empty()) {
    *err = "ERR No functions registered";
    ok = false;
  }
  if (!ok) {
    ReleaseLibrary(st, *lib);
    return nullptr;
  }
  return lib;
}

// Installs lib (replacing a same-named library when replace); false with *err on a collision.
bool Install(FunctionsState& st, std::unique_ptr<FunctionLibrary> lib, bool replace, std::string* err) {
  std::string key = Lower(lib->name);
  auto old = st.libraries.find(key);
  if (old != st.libraries.end() && !replace) {
    *err = fmt::format("ERR Library '{}' already exists", lib->name);
    ReleaseLibrary(st, *lib);
    return false;
  }
  if (old != st.libraries.end()) UnindexFunctions(st, *old->second);
  if (!IndexFunctions(st, lib.get(), err)) {
    if (old != st.libraries.end()) IndexFunctions(st, old->second.get(), err);
    ReleaseLibrary(st, *lib);
    return false;
  }
  if (old != st.libraries.end()) {
    ReleaseLibrary(st, *old->second);
    old->second = std::move(lib);
  } else {
    st.libraries.emplace(key, std::move(lib));
  }
  return true;
}

}  // namespace

bool LoadFunctionLibrary(std::string_view code, bool replace, std::string* name, std::string* err) {
  FunctionsState& st = State();
  std::unique_ptr<FunctionLibrary> lib = BuildLibrary(st, code, replace, err);
  if (!lib) return false;
  std::string lib_name = lib->name;
  if (!Install(st, std::move(lib), replace, err)) return false;
  *name = lib_name;
  return true;
}

std::vector<const FunctionLibrary*> FunctionLibraries() {
  std::vector<const FunctionLibrary*> out;
  for (const auto& [key, lib] : State().libraries) out.push_back(lib.get());
  return out;
}

bool DeleteFunctionLibrary(std::string_view name) {
  FunctionsState& st = State();
  auto it = st.libraries.find(Lower(name));
  if (it == st.libraries.end()) return false;
  UnindexFunctions(st, *it->second);
  ReleaseLibrary(st, *it->second);
  st.libraries.erase(it);
  return true;
}

void FlushFunctions() {
  FunctionsState& st = State();
  st.functions.clear();
  st.libraries.clear();
  st.engine = std::make_unique<LuaEngine>(LuaEngine::Kind::kFunctions, RegisterFunction);
}

size_t FunctionCount() { return State().functions.size(); }

size_t FunctionsVmBytes() { return State().engine->VmBytes(); }

size_t FunctionsBytes() {
  size_t n = 0;
  for (const auto& [key, lib] : State().libraries) {
    n += lib->name.size() + lib->code.size();
    for (const FunctionInfo& f : lib->functions) n += f.name.size() + f.description.size();
  }
  return n;
}

void CallFunction(Client& c, CmdArgs argv, bool read_only) {
  FunctionsState& st = State();
  auto it = st.functions.find(Lower(argv[1]));
  if (it == st.functions.end()) return c.reply.Error("ERR Function not found");
  int64_t numkeys;
  if (!StringToInt64(argv[2], &numkeys)) return c.reply.Error("ERR Bad number of keys provided");
  if (numkeys > static_cast<int64_t>(argv.size()) - 3) return c.reply.Error(err::kNumkeysTooBig);
  if (numkeys < 0) return c.reply.Error(err::kNumkeysNegative);
  const FunctionInfo& fi = it->second.first->functions[it->second.second];
  if (read_only && !(fi.flags & kScriptNoWrites)) return c.reply.Error(err::kScriptWriteFlagRo);
  RunSpec spec{fi.name, fi.flags, read_only, false, argv};
  lua_rawgeti(st.engine->state(), LUA_REGISTRYINDEX, fi.ref);
  st.engine->Run(c, spec, argv.subspan(3, numkeys), argv.subspan(3 + numkeys));
}

void SaveFunctionsRdb(rdb::Writer& w) {
  for (const auto& [key, lib] : State().libraries) {
    w.Byte(rdb::kOpFunction2);
    w.String(lib->code, Cfg().rdbcompression);
  }
}

bool LoadFunctionRdb(rdb::Reader& r) {
  std::string code, name, err;
  if (!r.String(&code)) return false;
  if (!LoadFunctionLibrary(code, true, &name, &err)) return r.Fail(fmt::format("Failed loading library: {}", err));
  return true;
}

std::string DumpFunctions() {
  rdb::Writer w;
  SaveFunctionsRdb(w);
  rdb::AppendDumpFooter(w);
  return std::move(w.buffer());
}

bool RestoreFunctions(std::string_view payload, std::string_view policy, std::string* err) {
  std::string_view body;
  if (!rdb::SplitDumpFooter(payload, &body)) {
    *err = "ERR DUMP payload version or checksum are wrong";
    return false;
  }
  FunctionsState& st = State();
  std::vector<std::unique_ptr<FunctionLibrary>> libs;
  rdb::Reader r(body);
  while (r.offset() < r.size()) {
    uint8_t type = 0;
    r.Byte(&type);
    if (type != rdb::kOpFunction2) {
      *err = type == rdb::kOpFunction ? "ERR Pre-GA function format not supported" : "ERR given type is not a function";
      return false;
    }
    std::string code;
    if (!r.String(&code)) {
      *err = "ERR Failed loading library";
      return false;
    }
    std::unique_ptr<FunctionLibrary> lib = BuildLibrary(st, code, true, err);
    if (!lib) return false;
    libs.push_back(std::move(lib));
  }
  bool flush = strcasecmp(std::string(policy).c_str(), "flush") == 0;
  bool replace = strcasecmp(std::string(policy).c_str(), "replace") == 0;
  // Check for collisions first, so that a failing restore changes nothing.
  if (!flush) {
    std::map<std::string, const FunctionLibrary*> fn_owner;
    for (const auto& [key, lib] : st.libraries)
      for (const FunctionInfo& f : lib->functions) fn_owner[Lower(f.name)] = lib.get();
    for (const auto& lib : libs) {
      auto old = st.libraries.find(Lower(lib->name));
      if (old != st.libraries.end() && !replace) {
        *err = fmt::format("ERR Library {} already exists", lib->name);
        return false;
      }
      for (const FunctionInfo& f : lib->functions) {
        auto owner = fn_owner.find(Lower(f.name));
        if (owner != fn_owner.end() && Lower(owner->second->name) != Lower(lib->name)) {
          *err = fmt::format("ERR Function {} already exists", f.name);
          return false;
        }
      }
    }
  }
  if (flush) {
    st.functions.clear();
    for (auto& [key, lib] : st.libraries) ReleaseLibrary(st, *lib);
    st.libraries.clear();
  }
  for (auto& lib : libs) Install(st, std::move(lib), true, err);
  return true;
}

}  // namespace corvid
