// EVAL scripts: the script cache (SHA1 -> compiled function and shebang flags) and running a cached script.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "commands/command.h"

namespace corvid {

class Client;

// Parses the `#!lua flags=a,b` first line of an EVAL script. Without a shebang *flags is kScriptEvalCompat and
// *shebang_len 0. On a bad shebang returns false with *err set to Redis' error text.
bool ParseEvalShebang(std::string_view body, uint32_t* flags, size_t* shebang_len, std::string* err);
// Compiles body into the cache (a no-op when cached) and sets *sha; false with *err ("ERR ...") on a compile or
// shebang error.
bool CacheScript(std::string_view body, std::string* sha, std::string* err);
// True when a script with this SHA1 (lowercase hex) is cached.
bool ScriptCached(std::string_view sha);
// Runs the cached script sha for c (replying its result); false (nothing replied) when it is not cached.
// REQUIRES: keys and args are slices of argv.
bool RunCachedScript(Client& c, std::string_view sha, bool read_only, CmdArgs argv, CmdArgs keys, CmdArgs args);
// SCRIPT FLUSH: drops every cached script and starts a fresh Lua state.
void FlushScripts();
// Bytes held by the cached scripts' bodies (INFO used_memory_scripts_eval), their count, and the bytes of the
// EVAL Lua VM (used_memory_vm_eval).
size_t CachedScriptsBytes();
size_t CachedScriptsCount();
size_t EvalVmBytes();

}  // namespace corvid
