// HyperLogLog: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST over sketches stored as strings in Redis' exact
// representation (ds/hyperloglog).
#include <array>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "commands/dispatcher.h"
#include "db/notify.h"
#include "ds/hyperloglog.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

namespace {

size_t SparseMax() { return static_cast<size_t>(Cfg().hll_sparse_max_bytes); }

// Redis' isHLLObjectOrReply: a string (not int-encoded) holding a plausible sketch; replies the error if not.
bool CheckSketch(Client& c, const Value& v) {
  if (!v.IsString()) {
    ReplyError(c, OpStatus::kWrongType);
    return false;
  }
  if (v.IsInt() || !hll::LooksValid(v.str().view())) {
    c.reply.Error(err::kHllWrongType);
    return false;
  }
  return true;
}

void PfaddCmd(Client& c, CmdArgs args) {
  Db& db = c.db();
  KeyEntry* e = db.FindWrite(args[1]);
  int64_t updated = 0;
  if (!e) {
    e = db.Add(args[1], Value::RawString(hll::NewSketch()));
    ++updated;
  } else if (!CheckSketch(c, e->val)) {
    return;
  }
  CompactString& s = e->val.MakeRaw();
  for (size_t j = 2; j < args.size(); ++j) {
    int r = hll::Add(&s, args[j], SparseMax());
    if (r < 0) return c.reply.Error(err::kHllInvalid);
    updated += r;
  }
  if (updated) {
    hll::InvalidateCache(&s);
    NotifyKeyspaceEvent(kNotifyString, "pfadd", args[1], c.db_index());
    Srv().stats.dirty += updated;
  }
  c.reply.Int(updated ? 1 : 0);
}

// Raises max to the registers of every existing key of args[from..]; false after replying an error.
// *any_dense: one of them is dense.
bool MergeKeys(Client& c, CmdArgs args, size_t from, uint8_t* max, bool* any_dense) {
  for (size_t j = from; j < args.size(); ++j) {
    KeyEntry* e = c.db().FindRead(args[j], c.Has(kClientNoTouch));
    if (!e) continue;
    if (!CheckSketch(c, e->val)) return false;
    std::string_view s = e->val.str().view();
    if (hll::Encoding(s) == hll::kDense) *any_dense = true;
    if (!hll::MergeInto(max, s)) {
      c.reply.Error(err::kHllInvalid);
      return false;
    }
  }
  return true;
}

void PfcountCmd(Client& c, CmdArgs args) {
  if (args.size() > 2) {
    std::array<uint8_t, hll::kRegisters> max{};
    bool any_dense = false;
    if (!MergeKeys(c, args, 1, max.data(), &any_dense)) return;
    return c.reply.Int(static_cast<int64_t>(hll::CountRaw(max.data())));
  }
  KeyEntry* e = c.db().FindWrite(args[1]);
  if (!e) return c.reply.Int(0);
  if (!CheckSketch(c, e->val)) return;
  CompactString& s = e->val.MakeRaw();
  uint64_t card;
  if (!hll::CachedCount(s.view(), &card)) {
    bool invalid = false;
    card = hll::Count(s.view(), &invalid);
    if (invalid) return c.reply.Error(err::kHllInvalid);
    hll::StoreCachedCount(&s, card);
    SignalModifiedKey(&c, c.db(), args[1]);  // the string changed although PFCOUNT is a read command
    ++Srv().stats.dirty;
  }
  c.reply.Int(static_cast<int64_t>(card));
}

void PfmergeCmd(Client& c, CmdArgs args) {
  std::array<uint8_t, hll::kRegisters> max{};
  bool any_dense = false;
  if (!MergeKeys(c, args, 1, max.data(), &any_dense)) return;
  Db& db = c.db();
  KeyEntry* e = db.FindWrite(args[1]);
  if (!e) e = db.Add(args[1], Value::RawString(hll::NewSketch()));
  CompactString& s = e->val.MakeRaw();
  if (!hll::SetAll(&s, max.data(), any_dense, SparseMax())) return c.reply.Error(err::kHllInvalid);
  hll::InvalidateCache(&s);
  NotifyKeyspaceEvent(kNotifyString, "pfadd", args[1], c.db_index());
  ++Srv().stats.dirty;
  c.reply.Ok();
}

void PfdebugCmd(Client& c, CmdArgs args) {
  std::string_view sub = args[1];
  KeyEntry* e = c.db().FindWrite(args[2]);
  if (!e) return c.reply.Error("ERR The specified key does not exist");
  if (!CheckSketch(c, e->val)) return;
  CompactString& s = e->val.MakeRaw();
  bool sparse = hll::Encoding(s.view()) == hll::kSparse;
  if (Is(sub, "GETREG") || Is(sub, "TODENSE")) {
    if (sparse) {
      if (!hll::ToDense(&s)) return c.reply.Error(err::kHllInvalid);
      ++Srv().stats.dirty;
    }
    if (Is(sub, "TODENSE")) return c.reply.Int(sparse ? 1 : 0);
    c.reply.Array(hll::kRegisters);
    for (size_t i = 0; i < hll::kRegisters; ++i) c.reply.Int(hll::DenseRegister(s.view(), i));
  } else if (Is(sub, "DECODE")) {
    if (!sparse) return c.reply.Error("ERR HLL encoding is not sparse");
    c.reply.Bulk(hll::Decode(s.view()));
  } else if (Is(sub, "ENCODING")) {
    c.reply.Simple(sparse ? "sparse" : "dense");
  } else {
    c.reply.Error(fmt::format("ERR Unknown PFDEBUG subcommand '{}'", CStr(sub)));
  }
}

// PFSELFTEST: checks that sparse and dense sketches fed the same elements end with the same registers and the
// same estimate, across the sparse→dense promotion, and that the estimate stays within a few standard errors.
void PfselftestCmd(Client& c, CmdArgs) {
  std::mt19937_64 rng(12345);
  CompactString sparse(hll::NewSketch()), dense(hll::NewSketch());
  hll::ToDense(&dense);
  const uint64_t n = 20000;
  for (uint64_t i = 0; i < n; ++i) {
    std::string ele = std::to_string(rng());
    int a = hll::Add(&sparse, ele, 3000), b = hll::Add(&dense, ele, 3000);
    if (a != b) return c.reply.Error(fmt::format("TESTFAILED sparse and dense disagree at element {}", i));
  }
  std::vector<uint8_t> ms(hll::kRegisters, 0), md(hll::kRegisters, 0);
  if (!hll::MergeInto(ms.data(), sparse.view()) || !hll::MergeInto(md.data(), dense.view()) || ms != md)
    return c.reply.Error("TESTFAILED register mismatch between sparse and dense");
  bool invalid = false;
  uint64_t est = hll::Count(dense.view(), &invalid);
  double err = std::abs(static_cast<double>(est) - n) / n;
  if (invalid || err > 5 * 1.04 / 128)
    return c.reply.Error(fmt::format("TESTFAILED cardinality error {} for {} elements", est, n));
  c.reply.Ok();
}

constexpr CommandRow kRows[] = {
    {"pfadd", -2, "write denyoom fast", 1, 1, 1, "@write @hyperloglog @fast", PfaddCmd, "RW insert", "key element...?", "2.8.9", "Adds elements to a HyperLogLog sketch"},
    {"pfcount", -2, "readonly", 1, -1, 1, "@read @hyperloglog @slow", PfcountCmd, "RW access", "key...", "2.8.9", "Estimates the distinct elements of one or several HyperLogLog sketches"},
    {"pfmerge", -2, "write denyoom", 1, -1, 1, "@write @hyperloglog @slow", PfmergeCmd, "RW access insert | RO access", "destkey:key sourcekey:key...", "2.8.9", "Merges HyperLogLog sketches into a key"},
    {"pfdebug", 3, "write denyoom admin", 2, 2, 1, "@write @hyperloglog @admin @slow @dangerous", PfdebugCmd, "RW access", "subcommand key", "2.8.9", "Internal HyperLogLog inspection"},
    {"pfselftest", 1, "admin", 0, 0, 0, "@hyperloglog @admin @slow @dangerous", PfselftestCmd, "", "", "2.8.9", "Tests the HyperLogLog implementation"},
};

}  // namespace

void RegisterHllFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
