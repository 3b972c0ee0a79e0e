// Scripting: EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT, and functions: FUNCTION FCALL FCALL_RO.
#include <strings.h>

#include <string>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "corvid/errors.h"
#include "persistence/rdb.h"
#include "pubsub/pubsub.h"
#include "scripting/eval_scripts.h"
#include "scripting/functions.h"
#include "scripting/lua_engine.h"
#include "server/propagate.h"
#include "server/server.h"
#include "util/glob.h"

namespace corvid {

namespace {

// EVAL-style key positions: numkeys at argv[2], then the keys.
bool EvalKeys(CmdArgs argv, std::vector<KeyRef>* out) { return NumkeysKeys(argv, 2, 0, true, out); }

// Splits the arguments after numkeys (argv[2]) into keys and args; replies the error and false when bad.
bool SplitKeys(Client& c, CmdArgs argv, CmdArgs* keys, CmdArgs* args) {
  int64_t n;
  if (!ArgInt64(c, argv[2], &n)) return false;
  if (n > static_cast<int64_t>(argv.size()) - 3) {
    c.reply.Error(err::kNumkeysTooBig);
    return false;
  }
  if (n < 0) {
    c.reply.Error(err::kNumkeysNegative);
    return false;
  }
  *keys = argv.subspan(3, static_cast<size_t>(n));
  *args = argv.subspan(3 + static_cast<size_t>(n));
  return true;
}

std::string LowerSha(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
  return out;
}

void EvalGeneric(Client& c, CmdArgs argv, bool by_sha, bool read_only) {
  PreventPropagation();  // the script's writes are propagated, not the script
  // Fed to MONITOR here (the command is skip_monitor) so that it shows before the commands the script runs.
  if (MonitorsActive()) FeedMonitors(c, argv);
  CmdArgs keys, args;
  if (!SplitKeys(c, argv, &keys, &args)) return;
  std::string sha, error;
  if (by_sha) {
    if (argv[1].size() != 40) return c.reply.Error(err::kNoScript);
    sha = LowerSha(argv[1]);
  } else if (!CacheScript(argv[1], &sha, &error)) {
    return c.reply.Error(error);
  }
  if (!RunCachedScript(c, sha, read_only, argv, keys, args)) c.reply.Error(err::kNoScript);
}

void EvalCmd(Client& c, CmdArgs args) { EvalGeneric(c, args, false, false); }
void EvalshaCmd(Client& c, CmdArgs args) { EvalGeneric(c, args, true, false); }
void EvalRoCmd(Client& c, CmdArgs args) { EvalGeneric(c, args, false, true); }
void EvalshaRoCmd(Client& c, CmdArgs args) { EvalGeneric(c, args, true, true); }

void ScriptLoadCmd(Client& c, CmdArgs args) {
  std::string sha, error;
  if (!CacheScript(args[2], &sha, &error)) return c.reply.Error(error);
  c.reply.Bulk(sha);
}

void ScriptExistsCmd(Client& c, CmdArgs args) {
  c.reply.Array(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) c.reply.Int(ScriptCached(LowerSha(args[i])) ? 1 : 0);
}

// FLUSH's optional ASYNC|SYNC argument; false when it is something else.
bool FlushModeOk(CmdArgs args) { return args.size() == 2 || (args.size() == 3 && (Is(args[2], "async") || Is(args[2], "sync"))); }

void ScriptFlushCmd(Client& c, CmdArgs args) {
  if (!FlushModeOk(args)) return c.reply.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  FlushScripts();
  c.reply.Ok();
}

void ScriptKillCmd(Client& c, CmdArgs) { ScriptKill(c, true); }

void ScriptDebugCmd(Client& c, CmdArgs args) {
  if (Is(args[2], "no")) return c.reply.Ok();
  if (Is(args[2], "yes") || Is(args[2], "sync")) return c.reply.Error("ERR The Lua debugger is not supported");
  c.reply.Error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
}

void ScriptHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "SCRIPT",
            {"DEBUG (YES|SYNC|NO)", "    Set the debug mode for subsequent scripts executed.",
             "EXISTS <sha1> [<sha1> ...]",
             "    Return information about the existence of the scripts in the script cache.", "FLUSH [ASYNC|SYNC]",
             "    Flush the Lua scripts cache. Very dangerous on replicas.",
             "    When called without the optional mode argument, the behavior is determined by the",
             "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
             "    * ASYNC: Asynchronously flush the scripts cache.", "    * SYNC: Synchronously flush the scripts cache.",
             "KILL", "    Kill the currently executing Lua script.", "LOAD <script>",
             "    Load a script into the scripts cache without executing it."});
}

// ---- functions ---------------------------------------------------------------------------------------------

void FcallGeneric(Client& c, CmdArgs args, bool read_only) {
  PreventPropagation();  // the function's writes are propagated, not the call
  if (MonitorsActive()) FeedMonitors(c, args);  // before the function's commands, as EVAL
  CallFunction(c, args, read_only);
}
void FcallCmd(Client& c, CmdArgs args) { FcallGeneric(c, args, false); }
void FcallRoCmd(Client& c, CmdArgs args) { FcallGeneric(c, args, true); }

void FunctionLoadCmd(Client& c, CmdArgs args) {
  bool replace = false;
  size_t at = 2;
  for (; at + 1 < args.size(); ++at) {
    if (!Is(args[at], "replace")) return c.reply.Error("ERR Unknown option given: " + std::string(CStr(args[at])));
    replace = true;
  }
  std::string name, error;
  if (!LoadFunctionLibrary(args[at], replace, &name, &error)) return c.reply.Error(error);
  ++Srv().stats.dirty;
  c.reply.Bulk(name);
}

void FunctionDeleteCmd(Client& c, CmdArgs args) {
  if (!DeleteFunctionLibrary(args[2])) return c.reply.Error("ERR Library not found");
  ++Srv().stats.dirty;
  c.reply.Ok();
}

void FunctionFlushCmd(Client& c, CmdArgs args) {
  if (!FlushModeOk(args)) return c.reply.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  FlushFunctions();
  ++Srv().stats.dirty;
  c.reply.Ok();
}

void FunctionListCmd(Client& c, CmdArgs args) {
  bool with_code = false;
  bool has_pattern = false;
  std::string_view pattern;
  for (size_t i = 2; i < args.size(); ++i) {
    if (!with_code && Is(args[i], "withcode")) {
      with_code = true;
    } else if (!has_pattern && Is(args[i], "libraryname")) {
      if (i + 1 >= args.size()) return c.reply.Error("ERR library name argument was not given");
      pattern = args[++i];
      has_pattern = true;
    } else {
      return c.reply.Error("ERR Unknown argument " + std::string(CStr(args[i])));
    }
  }
  std::vector<const FunctionLibrary*> libs;
  for (const FunctionLibrary* lib : FunctionLibraries())
    if (!has_pattern || StringMatch(pattern, lib->name)) libs.push_back(lib);
  c.reply.Array(libs.size());
  for (const FunctionLibrary* lib : libs) {
    c.reply.Map(with_code ? 4 : 3);
    c.reply.Bulk("library_name");
    c.reply.Bulk(lib->name);
    c.reply.Bulk("engine");
    c.reply.Bulk("LUA");
    c.reply.Bulk("functions");
    c.reply.Array(lib->functions.size());
    for (const FunctionInfo& f : lib->functions) {
      c.reply.Map(3);
      c.reply.Bulk("name");
      c.reply.Bulk(f.name);
      c.reply.Bulk("description");
      if (f.has_description) c.reply.Bulk(f.description);
      else c.reply.Null();
      c.reply.Bulk("flags");
      std::vector<std::string_view> flags = ScriptFlagNames(f.flags);
      c.reply.Set(flags.size());
      for (std::string_view fl : flags) c.reply.Simple(fl);
    }
    if (with_code) {
      c.reply.Bulk("library_code");
      c.reply.Bulk(lib->code);
    }
  }
}

void FunctionDumpCmd(Client& c, CmdArgs) { c.reply.Bulk(DumpFunctions()); }

void FunctionRestoreCmd(Client& c, CmdArgs args) {
  std::string_view policy = "append";
  if (args.size() > 3) {
    policy = args[3];
    if (args.size() > 4 || !(Is(policy, "flush") || Is(policy, "append") || Is(policy, "replace")))
      return c.reply.Error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
  }
  std::string error;
  if (!RestoreFunctions(args[2], policy, &error)) return c.reply.Error(error);
  ++Srv().stats.dirty;
  c.reply.Ok();
}

void FunctionKillCmd(Client& c, CmdArgs) { ScriptKill(c, false); }

void FunctionStatsCmd(Client& c, CmdArgs) {
  c.reply.Map(2);
  c.reply.Bulk("running_script");
  ReplyRunningFunction(c);
  c.reply.Bulk("engines");
  c.reply.Map(1);
  c.reply.Bulk("LUA");
  c.reply.Map(2);
  c.reply.Bulk("libraries_count");
  c.reply.Int(static_cast<int64_t>(FunctionLibraries().size()));
  c.reply.Bulk("functions_count");
  c.reply.Int(static_cast<int64_t>(FunctionCount()));
}

void FunctionHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "FUNCTION",
            {"LOAD [REPLACE] <FUNCTION CODE>",
             "    Create a new library with the given library name and code.",
             "DELETE <LIBRARY NAME>",
             "    Delete the given library.",
             "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
             "    Return general information on all the libraries:",
             "    * Library name",
             "    * The engine used to run the Library",
             "    * Library description",
             "    * Functions list",
             "    * Library code (if WITHCODE is given)",
             "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
             "STATS",
             "    Return information about the current function running:",
             "    * Function name",
             "    * Command used to run the function",
             "    * Duration in MS that the function is running",
             "    If no function is running, return nil",
             "    In addition, returns a list of available engines.",
             "KILL",
             "    Kill the current running function.",
             "FLUSH [ASYNC|SYNC]",
             "    Delete all the libraries.",
             "    When called without the optional mode argument, the behavior is determined by the",
             "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
             "    * ASYNC: Asynchronously flush the libraries.",
             "    * SYNC: Synchronously flush the libraries.",
             "DUMP",
             "    Return a serialized payload representing the current libraries, can be restored using FUNCTION "
             "RESTORE command",
             "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
             "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
             "    control how to handle existing libraries (default APPEND):",
             "    * FLUSH: delete all existing libraries.",
             "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
             "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
             "      libraries with the new libraries (notice that even on this option there is a chance of failure",
             "      in case of functions name collision with another library)."});
}

constexpr const char* kEvalArgs = "script:string numkeys:integer key:key...? arg:string...?";

constexpr CommandRow kRows[] = {
    {"eval", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting", EvalCmd,
     "RW access update", kEvalArgs, "2.6.0", "Runs a Lua script", EvalKeys},
    {"evalsha", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting",
     EvalshaCmd, "RW access update", "sha1:string numkeys:integer key:key...? arg:string...?", "2.6.0",
     "Runs a cached Lua script named by its SHA1", EvalKeys},
    {"eval_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting",
     EvalRoCmd, "RO access", kEvalArgs, "7.0.0", "Runs a Lua script that may not write", EvalKeys},
    {"evalsha_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0,
     "@slow @scripting", EvalshaRoCmd, "RO access", "sha1:string numkeys:integer key:key...? arg:string...?",
     "7.0.0", "Runs a cached Lua script that may not write, by SHA1", EvalKeys},
    {"fcall", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting", FcallCmd,
     "RW access update", "function:string numkeys:integer key:key...? arg:string...?", "7.0.0", "Calls a library function",
     EvalKeys},
    {"fcall_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0,
     "@slow @scripting", FcallRoCmd, "RO access", "function:string numkeys:integer key:key...? arg:string...?",
     "7.0.0", "Calls a library function that may not write", EvalKeys},
    {"script", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "2.6.0", "Container of the script cache commands"},
    {"script|debug", 3, "noscript", 0, 0, 0, "@slow @scripting", ScriptDebugCmd, "", "mode(YES|SYNC|NO)", "3.2.0",
     "Chooses the Lua debugger mode (only NO is supported)"},
    {"script|exists", -3, "noscript", 0, 0, 0, "@slow @scripting", ScriptExistsCmd, "", "sha1:string...", "2.6.0",
     "Tells which SHA1s are in the script cache"},
    {"script|flush", -2, "noscript", 0, 0, 0, "@slow @scripting", ScriptFlushCmd, "", "flush_type(ASYNC|SYNC)?",
     "2.6.0", "Empties the script cache"},
    {"script|help", 2, "loading stale", 0, 0, 0, "@slow @scripting", ScriptHelpCmd, "", "", "5.0.0",
     "Lists the SCRIPT subcommands"},
    {"script|kill", 2, "noscript allow_busy", 0, 0, 0, "@slow @scripting", ScriptKillCmd, "", "", "2.6.0",
     "Stops the running script if it has not written"},
    {"script|load", 3, "noscript stale", 0, 0, 0, "@slow @scripting", ScriptLoadCmd, "", "script:string", "2.6.0",
     "Adds a script to the cache and returns its SHA1"},
    {"function", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "7.0.0", "Container of the function library commands"},
    {"function|delete", 3, "write noscript", 0, 0, 0, "@write @slow @scripting", FunctionDeleteCmd, "",
     "library-name:string", "7.0.0", "Removes one library with its functions"},
    {"function|dump", 2, "noscript", 0, 0, 0, "@slow @scripting", FunctionDumpCmd, "", "", "7.0.0",
     "Serializes every library into a payload"},
    {"function|flush", -2, "write noscript", 0, 0, 0, "@write @slow @scripting", FunctionFlushCmd, "",
     "flush-type(ASYNC|SYNC)?", "7.0.0", "Removes every library"},
    {"function|help", 2, "loading stale", 0, 0, 0, "@slow @scripting", FunctionHelpCmd, "", "", "7.0.0",
     "Lists the FUNCTION subcommands"},
    {"function|kill", 2, "noscript allow_busy", 0, 0, 0, "@slow @scripting", FunctionKillCmd, "", "", "7.0.0",
     "Stops the running function if it has not written"},
    {"function|list", -2, "noscript", 0, 0, 0, "@slow @scripting", FunctionListCmd, "",
     "LIBRARYNAME=library-name-pattern:string? WITHCODE?", "7.0.0", "Lists the libraries and their functions"},
    {"function|load", -3, "write denyoom noscript", 0, 0, 0, "@write @slow @scripting", FunctionLoadCmd, "",
     "REPLACE? function-code:string", "7.0.0", "Loads a library from its code"},
    {"function|restore", -3, "write denyoom noscript", 0, 0, 0, "@write @slow @scripting", FunctionRestoreCmd, "",
     "serialized-value:string policy(FLUSH|APPEND|REPLACE)?", "7.0.0", "Loads libraries from a FUNCTION DUMP payload"},
    {"function|stats", 2, "noscript allow_busy", 0, 0, 0, "@slow @scripting", FunctionStatsCmd, "", "", "7.0.0",
     "Reports the running function and the engines"},
};

}  // namespace

void RegisterScriptingFamily(CommandRegistry& r) {
  r.Add(kRows);
  RegisterRdbOpcodeSaver(SaveFunctionsRdb);
  RegisterRdbOpcodeLoader(rdb::kOpFunction2, LoadFunctionRdb);
}

}  // namespace corvid
