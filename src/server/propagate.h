// Propagation of writes by effect (Redis' propagate/alsoPropagate): what a command changed is written to the AOF
// (and, later, to replicas) as commands whose replay gives the same dataset. By default a command that changed
// the dataset (server dirty counter grew) is propagated as it was sent; a command whose replay would differ
// (relative TTLs, random picks, blocking pops, scripts) propagates other commands instead: it calls
// PropagateCommand for each and PreventPropagation for its own argv.
//
// The commands one client command causes (a transaction, a script's writes, a rewrite into several commands)
// form one execution unit: more than one is wrapped in MULTI/EXEC. SELECT is emitted whenever the database
// changes. Deletions by expiry and eviction are propagated at once, outside any unit, as Redis 7.0 does.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

namespace corvid {

// True when some consumer (the AOF, replicas) takes propagated commands. Callers may skip building arguments when false.
bool PropagationOn();
// Adds argv (run in database db) to the current execution unit; outside a unit it is emitted at once.
void PropagateCommand(int db, std::span<const std::string_view> argv);
void PropagateCommand(int db, std::initializer_list<std::string_view> argv);
// While muted, PropagateCommand and the commands' own propagation drop what they are given (a script's
// redis.set_repl without REPL_AOF); deletions by expiry and eviction are still emitted. Returns the previous state.
bool MutePropagation(bool muted);
// The running command's own argv is not propagated (it propagated other commands, or nothing).
void PreventPropagation();
// The running command's argv is propagated even if it changed nothing (FLUSHALL on an empty dataset).
void ForcePropagation();
// The deletion of key from db by expiry or eviction, emitted at once as DEL (UNLINK when lazy).
void PropagateDeletion(int db, std::string_view key, bool lazy);

// Brackets one client command (the dispatcher's outermost call): the unit's commands are emitted at the end.
void BeginExecutionUnit();
void EndExecutionUnit();

// Per dispatched command: Enter before the handler runs (returns the state of the enclosing command, to pass to
// Leave), Leave after it: propagates argv when the dataset changed (dirty grew) and nothing prevented it.
struct PropagationFrame {
  bool prevented, forced;
};
PropagationFrame EnterCommandPropagation();
void LeaveCommandPropagation(PropagationFrame outer, int db, std::span<const std::string_view> argv, bool changed);

// The consumers of propagated commands. Each receives RESP text holding the SELECTs it needs (it keeps its own
// selected database), possibly in several calls per command.
enum class PropagationConsumer { kAof, kReplication };
inline constexpr int kPropagationSinks = 2;
using PropagationSink = void (*)(std::string_view resp);
// Installs (or with nullptr removes) a consumer; it starts with no database selected.
void SetPropagationSink(PropagationConsumer which, PropagationSink sink);
// Forgets which database the consumer has selected (a new AOF file, a new replication stream): the next command
// is preceded by a SELECT.
void ResetPropagatedDb(PropagationConsumer which);

// Appends argv as a RESP multibulk to out.
void AppendRespCommand(std::string* out, std::span<const std::string_view> argv);

}  // namespace corvid
