// The embedded Lua 5.1 interpreter shared by EVAL scripts and FUNCTION libraries: the sandbox (Redis 7.0's
// read-only globals and library tables), the redis.* API, Lua <-> RESP conversion, and running one script or
// function for a client, including the busy-script handling (serving SCRIPT KILL / FUNCTION KILL / SHUTDOWN
// NOSAVE from the loop while a slow script runs).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"

struct lua_State;

namespace corvid {

class Client;

// Script flags from a `#!lua flags=...` shebang or redis.register_function's flags (Redis' SCRIPT_FLAG_*).
enum ScriptFlag : uint32_t {
  kScriptNoWrites = 1u << 0,
  kScriptAllowOom = 1u << 1,
  kScriptAllowStale = 1u << 2,
  kScriptNoCluster = 1u << 3,
  kScriptEvalCompat = 1u << 4,  // an EVAL script without a shebang: write/OOM checks per command, as before 7.0
  kScriptAllowCrossSlot = 1u << 5,
};
// Adds the flag named name ("no-writes", ...) to *flags; false for an unknown name.
bool AddScriptFlag(std::string_view name, uint32_t* flags);
// The flag names set in flags, in Redis' order (FUNCTION LIST).
std::vector<std::string_view> ScriptFlagNames(uint32_t flags);

// The lowercase hex SHA1 of s (40 characters), as a string or into out.
std::string Sha1Hex(std::string_view s);
void Sha1HexTo(std::string_view s, char out[40]);
// The space-separated words of a shebang line ("#!lua", "name=x", "flags=a,b").
std::vector<std::string_view> ShebangWords(std::string_view line);

// How a script or function is run.
struct RunSpec {
  std::string_view name;    // the SHA1 of an EVAL script, or the function name (error texts, FUNCTION STATS)
  uint32_t flags = 0;       // ScriptFlag
  bool read_only = false;   // called through EVAL_RO / EVALSHA_RO / FCALL_RO
  bool is_eval = true;      // EVAL family (KEYS/ARGV globals) or FCALL (keys and args as parameters)
  CmdArgs argv;             // the whole calling command (FUNCTION STATS)
};

class LuaEngine {
 public:
  enum class Kind { kEval, kFunctions };
  // register_function: the C function behind redis.register_function at library load (kFunctions only).
  explicit LuaEngine(Kind kind, int (*register_function)(lua_State*) = nullptr);
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  lua_State* state() const { return L_; }
  // Bytes the Lua VM holds (INFO used_memory_vm_*).
  size_t VmBytes() const;
  // Compiles code as chunk `chunk` ("@user_script"); pushes the function and returns true, or sets *err to
  // Lua's message ("user_script:1: ...") and pushes nothing.
  bool Compile(std::string_view code, const char* chunk, std::string* err);
  // Runs the function on top of the stack (and pops it) for caller with the given keys and args, replying
  // its result (or error) to caller. REQUIRES: no script is running.
  void Run(Client& caller, const RunSpec& spec, CmdArgs keys, CmdArgs args);
  // Functions engine: makes the globals of code run from now on the library-load API (only `redis` with
  // register_function, log and the version) or, with false, the runtime API.
  void SetLoadGlobals(bool loading);
  // Runs library code: the function on top of the stack (popped), no arguments and no result, stopped after
  // 500 ms ("FUNCTION LOAD timeout"); false with *err set to the error text ("ERR user_function:2: ...") when it
  // raised.
  bool CallProtected(std::string* err);

 private:
  void Setup();
  Kind kind_;
  int (*register_function_)(lua_State*);
  lua_State* L_ = nullptr;
  int runtime_globals_ref_ = 0, load_globals_ref_ = 0;
  int gc_countdown_ = 50;
};

// ---- the script running now (at most one) --------------------------------------------------------------

// True while a script or function runs.
bool ScriptRunning();
// True when c's command must be refused with -BUSY because a script has run past busy-reply-threshold
// (c is not the script itself and cmd is not allow_busy, or is SHUTDOWN without NOSAVE); *msg is the error.
bool ScriptBusyRejects(const Client& c, const Command& cmd, CmdArgs argv, std::string_view* msg);
// SCRIPT KILL (is_eval) / FUNCTION KILL: replies to c (OK, NOTBUSY, UNKILLABLE, BUSY) and marks the running
// script to stop at its next hook.
void ScriptKill(Client& c, bool is_eval);
// FUNCTION STATS' running_script: replies nil, or the map of the running function.
void ReplyRunningFunction(Client& c);

}  // namespace corvid
