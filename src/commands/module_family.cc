// MODULE: corvid loads no Redis modules (their C API is Redis' own), so the list is always empty and a load
// fails as a bad module file would in Redis; the enable-module-command guard is Redis'.
#include "commands/cmd_util.h"
#include "commands/command.h"
#include "corvid/errors.h"
#include "server/config.h"
#include "server/log.h"

namespace corvid {

namespace {

bool ModuleAllowed(Client& c) {
  if (ProtectedActionAllowed(c, Cfg().enable_module_command)) return true;
  c.reply.Error(err::kNoPermModule);
  return false;
}

void ModuleListCmd(Client& c, CmdArgs) { c.reply.EmptyArray(); }

void ModuleHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "MODULE",
            {"LIST", "    Return a list of loaded modules.", "LOAD <path> [<arg> ...]",
             "    Load a module library from <path>, passing to it any optional arguments.",
             "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
             "    Load a module library from <path>, while passing it module configurations and optional arguments.",
             "UNLOAD <name>", "    Unload a module."});
}

void ModuleLoadCmd(Client& c, CmdArgs args) {
  if (!ModuleAllowed(c)) return;
  LogWarning("Module {} failed to load: corvid does not load Redis modules", args[2]);
  c.reply.Error(err::kModuleLoad);
}

void ModuleUnloadCmd(Client& c, CmdArgs) {
  if (!ModuleAllowed(c)) return;
  c.reply.Error(err::kModuleUnloadNoSuch);
}

constexpr CommandRow kRows[] = {
    {"module", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "4.0.0", "Container of the module commands"},
    {"module|help", 2, "loading stale", 0, 0, 0, "@slow", ModuleHelpCmd, "", "", "5.0.0", "Shows helpful text about the different subcommands"},
    {"module|list", 2, "admin noscript", 0, 0, 0, "@admin @slow @dangerous", ModuleListCmd, "", "", "4.0.0", "Returns the loaded modules"},
    {"module|load", -3, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ModuleLoadCmd, "", "path arg...?", "4.0.0", "Loads a module"},
    {"module|loadex", -3, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ModuleLoadCmd, "", "path CONFIG=configs{name value}+...? ARGS=args{arg}...?", "7.0.0", "Loads a module with configuration parameters and arguments"},
    {"module|unload", 3, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ModuleUnloadCmd, "", "name", "4.0.0", "Unloads a module"},
};

}  // namespace

void RegisterModuleFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
