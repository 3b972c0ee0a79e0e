#include "server/propagate.h"

#include <fmt/format.h>

#include <string>
#include <utility>

namespace corvid {

namespace {

// The consumers, each with the database it has selected (-1: none yet).
struct SinkSlot {
  PropagationSink fn = nullptr;
  int db = -1;
};
SinkSlot g_sinks[kPropagationSinks];
int g_active_sinks = 0;

// The execution unit being collected: its commands (with SELECTs between them), the database of its first
// command and the one selected after its last.
int g_unit_depth = 0;
std::string g_unit;
size_t g_unit_ops = 0;
int g_unit_first_db = 0, g_unit_last_db = 0;

// The running command's choice (EnterCommandPropagation resets it, Leave restores the enclosing command's).
bool g_prevented = false, g_forced = false;
bool g_muted = false;

std::string g_scratch, g_select;  // what is handed to the sinks; keep their capacity

void AppendSelect(std::string* out, int db) {
  fmt::format_int n(db);
  std::string_view argv[] = {"SELECT", std::string_view(n.data(), n.size())};
  AppendRespCommand(out, argv);
}

// Hands text, which starts in database first_db and leaves last_db selected, to every sink, preceded by a
// SELECT for a sink that has another database selected.
void Deliver(std::string_view text, int first_db, int last_db) {
  for (SinkSlot& s : g_sinks) {
    if (!s.fn) continue;
    if (s.db != first_db) {
      g_select.clear();
      AppendSelect(&g_select, first_db);
      s.fn(g_select);
    }
    s.fn(text);
    s.db = last_db;
  }
}

void Emit(int db, std::span<const std::string_view> argv) {
  g_scratch.clear();
  AppendRespCommand(&g_scratch, argv);
  Deliver(g_scratch, db, db);
}

}  // namespace

bool PropagationOn() { return g_active_sinks > 0; }

void SetPropagationSink(PropagationConsumer which, PropagationSink sink) {
  SinkSlot& s = g_sinks[static_cast<int>(which)];
  g_active_sinks += (sink != nullptr) - (s.fn != nullptr);
  s.fn = sink;
  s.db = -1;
}

void ResetPropagatedDb(PropagationConsumer which) { g_sinks[static_cast<int>(which)].db = -1; }

void AppendRespCommand(std::string* out, std::span<const std::string_view> argv) {
  out->push_back('*');
  fmt::format_int n(argv.size());
  out->append(n.data(), n.size());
  out->append("\r\n");
  for (std::string_view a : argv) {
    fmt::format_int len(a.size());
    out->push_back('$');
    out->append(len.data(), len.size());
    out->append("\r\n");
    out->append(a);
    out->append("\r\n");
  }
}

void PropagateCommand(int db, std::span<const std::string_view> argv) {
  if (!PropagationOn() || g_muted) return;
  if (g_unit_depth == 0) {
    Emit(db, argv);
    return;
  }
  if (g_unit_ops == 0) {
    g_unit_first_db = g_unit_last_db = db;
  } else if (db != g_unit_last_db) {
    AppendSelect(&g_unit, db);
    g_unit_last_db = db;
  }
  AppendRespCommand(&g_unit, argv);
  ++g_unit_ops;
}

void PropagateCommand(int db, std::initializer_list<std::string_view> argv) {
  PropagateCommand(db, std::span<const std::string_view>(argv.begin(), argv.size()));
}

bool MutePropagation(bool muted) { return std::exchange(g_muted, muted); }

void PreventPropagation() { g_prevented = true; }

void ForcePropagation() { g_forced = true; }

void PropagateDeletion(int db, std::string_view key, bool lazy) {
  if (!PropagationOn()) return;
  std::string_view argv[] = {lazy ? "UNLINK" : "DEL", key};
  Emit(db, argv);
}

void BeginExecutionUnit() { ++g_unit_depth; }

void EndExecutionUnit() {
  if (--g_unit_depth > 0 || g_unit_ops == 0) return;
  size_t ops = g_unit_ops;
  g_unit_ops = 0;
  if (ops == 1) {  // the common case: the unit is handed over as it is
    Deliver(g_unit, g_unit_first_db, g_unit_last_db);
  } else {
    g_scratch.assign("*1\r\n$5\r\nMULTI\r\n");
    g_scratch.append(g_unit);
    g_scratch.append("*1\r\n$4\r\nEXEC\r\n");
    Deliver(g_scratch, g_unit_first_db, g_unit_last_db);
  }
  g_unit.clear();
}

PropagationFrame EnterCommandPropagation() {
  PropagationFrame outer{g_prevented, g_forced};
  g_prevented = g_forced = false;
  return outer;
}

void LeaveCommandPropagation(PropagationFrame outer, int db, std::span<const std::string_view> argv, bool changed) {
  bool propagate = PropagationOn() && (changed || g_forced) && !g_prevented;
  g_prevented = outer.prevented;
  g_forced = outer.forced;
  if (propagate) PropagateCommand(db, argv);
}

}  // namespace corvid
