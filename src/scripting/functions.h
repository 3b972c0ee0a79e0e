// FUNCTION libraries: loading (`#!lua name=lib` code calling redis.register_function), the function registry,
// FCALL, and the DUMP/RESTORE payload (Redis' RDB FUNCTION2 records, RDB version 10 and a CRC64 footer).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "persistence/rdb_format.h"

namespace corvid {

class Client;

struct FunctionInfo {
  std::string name;
  std::string description;  // empty: none given
  bool has_description = false;
  uint32_t flags = 0;       // ScriptFlag
  int ref = 0;              // the callback in the functions Lua registry
};

struct FunctionLibrary {
  std::string name;
  std::string code;
  std::vector<FunctionInfo> functions;  // in registration order
};

// Loads a library from its code (with the `#!lua name=...` shebang). replace: an existing library of the same
// name is replaced. Returns the library name, or false with *err set to Redis' error text ("ERR ...").
bool LoadFunctionLibrary(std::string_view code, bool replace, std::string* name, std::string* err);
// Every library, in name order.
std::vector<const FunctionLibrary*> FunctionLibraries();
// Deletes library name; false when there is none.
bool DeleteFunctionLibrary(std::string_view name);
// The RDB FUNCTION2 records: one per library (opcode, code) / loading one record's code (replacing a library of
// the same name). The scripting family registers them with RDB persistence.
void SaveFunctionsRdb(rdb::Writer& w);
bool LoadFunctionRdb(rdb::Reader& r);
// Drops every library.
void FlushFunctions();
size_t FunctionCount();
// Bytes of the functions Lua VM (INFO used_memory_vm_functions) and of the libraries' code and names
// (used_memory_functions).
size_t FunctionsVmBytes();
size_t FunctionsBytes();
// FCALL / FCALL_RO: replies "Function not found", the numkeys errors, or runs the function.
void CallFunction(Client& c, CmdArgs argv, bool read_only);
// FUNCTION DUMP's payload.
std::string DumpFunctions();
// FUNCTION RESTORE: policy is "FLUSH", "APPEND" or "REPLACE". False with *err on a bad payload or a collision
// (nothing changed then).
bool RestoreFunctions(std::string_view payload, std::string_view policy, std::string* err);

}  // namespace corvid
