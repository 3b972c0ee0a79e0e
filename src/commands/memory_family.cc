// MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP.
#include <fmt/format.h>

#include <climits>
#include <string>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "server/memory.h"
#include "server/server.h"

namespace corvid {

namespace {

// ---- logic ----

// Redis' OBJ_COMPUTE_SIZE_DEF_SAMPLES: elements measured when MEMORY USAGE has no SAMPLES.
constexpr size_t kDefaultUsageSamples = 5;

// Bytes a key costs: its entry (key, value header, chain link), the key's and the value's heap parts, a big
// collection estimated from `samples` of its elements.
uint64_t KeyMemoryUsage(const KeyEntry& e, size_t samples) {
  return sizeof(KeyEntry) + e.key.HeapBytes() + e.val.HeapBytes(samples);
}

// Redis' getMemoryDoctorReport: the checks that apply to an instance without replicas or scripts.
std::string MemoryDoctorReport() {
  MemoryOverhead mo = ReadMemoryOverhead();
  const MemoryStats& m = mo.stats;
  auto ratio = [](uint64_t a, uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  constexpr uint64_t k10Mb = 10 << 20;
  if (m.allocated < 5 * 1024 * 1024)
    return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in "
           "these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and "
           "I will be back to our programming as soon as I finished rebooting.\n";
  std::string issues;
  if (ratio(mo.peak, m.allocated) > 1.5)
    issues += " * Peak memory: In the past this instance used more than 150% the memory that is currently using. "
              "The allocator is normally not able to release memory after a peak, so you can expect to see a big "
              "fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if "
              "the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be "
              "used as soon as you fill the Redis instance with more data. If the memory peak was only occasional "
              "and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only "
              "other option is to shutdown and restart the instance.\n\n";
  if (ratio(m.rss, m.allocated) > 1.4 && m.rss > m.allocated + k10Mb)
    issues += fmt::format(
        " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this "
        "means that the Resident Set Size of the Redis process is much larger than the sum of the logical "
        "allocations Redis performed). This problem is usually due either to a large peak memory (check if there "
        "is a peak memory entry above in the report) or may result from a workload that causes the allocator to "
        "fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make "
        "sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used "
        "allocator is \"{}\".\n\n",
        AllocatorName());
  size_t nclients = Srv().clients.size();
  if (nclients && mo.clients_normal / nclients > 200 * 1024)
    issues += " * Big client buffers: The clients output buffers in this instance are greater than 200K per client "
              "(on average). This may result from different causes, like Pub/Sub clients subscribed to channels "
              "bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or "
              "clients sending commands with large replies or very large sequences of commands in the same "
              "pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes "
              "problems in your instance, or to understand better why certain clients are using a big amount of "
              "memory.\n\n";
  if (issues.empty())
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this "
           "base.\n";
  return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + issues +
         "I'm here to keep you safe, Sam. I want to help you.\n";
}

// ---- handlers ----

void MemoryUsageCmd(Client& c, CmdArgs args) {
  size_t samples = kDefaultUsageSamples;
  for (size_t j = 3; j < args.size(); ++j) {
    if (!Is(args[j], "samples") || j + 1 >= args.size()) return c.reply.Error(err::kSyntax);
    int64_t n;
    if (!ArgInt64(c, args[j + 1], &n)) return;
    if (n < 0) return c.reply.Error(err::kSyntax);
    samples = n == 0 ? Value::kAllSamples : static_cast<size_t>(n);
    ++j;
  }
  KeyEntry* e = c.db().Find(args[2]);
  if (!e) return c.reply.Null();
  c.reply.Int(static_cast<int64_t>(KeyMemoryUsage(*e, samples)));
}

void MemoryStatsCmd(Client& c, CmdArgs) {
  MemoryOverhead mo = ReadMemoryOverhead();
  const MemoryStats& m = mo.stats;
  auto ratio = [](uint64_t a, uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  auto diff = [](uint64_t a, uint64_t b) { return static_cast<int64_t>(a) - static_cast<int64_t>(b); };
  uint64_t net = m.allocated > mo.startup ? m.allocated - mo.startup : 0;
  c.reply.Map(27 + mo.dbs.size());
  auto num = [&](std::string_view name, int64_t v) {
    c.reply.Bulk(name);
    c.reply.Int(v);
  };
  auto dbl = [&](std::string_view name, double v) {
    c.reply.Bulk(name);
    c.reply.Double(v);
  };
  num("peak.allocated", static_cast<int64_t>(mo.peak));
  num("total.allocated", static_cast<int64_t>(m.allocated));
  num("startup.allocated", static_cast<int64_t>(mo.startup));
  num("replication.backlog", 0);
  num("clients.slaves", 0);
  num("clients.normal", static_cast<int64_t>(mo.clients_normal));
  num("cluster.links", 0);
  num("aof.buffer", 0);
  num("lua.caches", 0);
  num("functions.caches", 0);
  for (const MemoryOverhead::DbTables& t : mo.dbs) {
    c.reply.Bulk(fmt::format("db.{}", t.db));
    c.reply.Map(3);
    num("overhead.hashtable.main", static_cast<int64_t>(t.main));
    num("overhead.hashtable.expires", static_cast<int64_t>(t.expires));
    num("overhead.hashtable.slot-to-keys", 0);
  }
  num("overhead.total", static_cast<int64_t>(mo.overhead_total));
  num("keys.count", static_cast<int64_t>(mo.keys));
  num("keys.bytes-per-key", mo.keys ? static_cast<int64_t>(net / mo.keys) : 0);
  num("dataset.bytes", static_cast<int64_t>(mo.dataset));
  dbl("dataset.percentage", 100.0 * ratio(mo.dataset, net));
  dbl("peak.percentage", 100.0 * ratio(m.allocated, mo.peak));
  num("allocator.allocated", static_cast<int64_t>(m.allocated));
  num("allocator.active", static_cast<int64_t>(m.active));
  num("allocator.resident", static_cast<int64_t>(m.resident));
  dbl("allocator-fragmentation.ratio", ratio(m.active, m.allocated));
  num("allocator-fragmentation.bytes", diff(m.active, m.allocated));
  dbl("allocator.rss-ratio", ratio(m.resident, m.active));
  num("allocator.rss-bytes", diff(m.resident, m.active));
  dbl("rss-overhead.ratio", ratio(m.rss, m.resident));
  num("rss-overhead.bytes", diff(m.rss, m.resident));
  dbl("fragmentation", ratio(m.rss, m.allocated));
  num("fragmentation.bytes", diff(m.rss, m.allocated));
}

void MemoryDoctorCmd(Client& c, CmdArgs) { c.reply.Verbatim(MemoryDoctorReport()); }

void MemoryMallocStatsCmd(Client& c, CmdArgs) { c.reply.Verbatim(AllocatorStatsText()); }

void MemoryPurgeCmd(Client& c, CmdArgs) {
  PurgeAllocator();
  c.reply.Simple("OK");
}

void MemoryHelpCmd(Client& c, CmdArgs) {
  ReplyHelp(c, "MEMORY",
            {"DOCTOR",
             "    Return memory problems reports.",
             "MALLOC-STATS",
             "    Return internal statistics report from the memory allocator.",
             "PURGE",
             "    Attempt to purge dirty pages for reclamation by the allocator.",
             "STATS",
             "    Return information about the memory usage of the server.",
             "USAGE <key> [SAMPLES <count>]",
             "    Return memory in bytes used by <key> and its value. Nested values are",
             "    sampled up to <count> times (default: 5, 0 means sample all)."});
}

constexpr CommandRow kRows[] = {
    {"memory", -2, "", 0, 0, 0, "@slow", nullptr, "", "", "4.0.0", "Container of the memory diagnostic commands"},
    {"memory|purge", 2, "", 0, 0, 0, "@slow", MemoryPurgeCmd, "", "", "4.0.0", "Asks the allocator to release memory"},
    {"memory|malloc-stats", 2, "", 0, 0, 0, "@slow", MemoryMallocStatsCmd, "", "", "4.0.0", "Returns the allocator's statistics"},
    {"memory|doctor", 2, "", 0, 0, 0, "@slow", MemoryDoctorCmd, "", "", "4.0.0", "Returns a report of memory problems"},
    {"memory|usage", -3, "readonly", 2, 2, 1, "@read @slow", MemoryUsageCmd, "RO", "key SAMPLES=count:integer?", "4.0.0", "Returns the bytes a key and its value use"},
    {"memory|stats", 2, "", 0, 0, 0, "@slow", MemoryStatsCmd, "", "", "4.0.0", "Returns details of the server's memory usage"},
    {"memory|help", 2, "loading stale", 0, 0, 0, "@slow", MemoryHelpCmd, "", "", "4.0.0", "Lists the MEMORY subcommands"},
};

}  // namespace

void RegisterMemoryFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
