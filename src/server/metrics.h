// Instantaneous rates for INFO stats and `redis-cli --stat`: Redis' trackInstantaneousMetric, one sample per
// 100 ms of commands processed and network bytes, averaged over the last 16 samples.
#pragma once
#include <cstdint>

namespace corvid {

// Takes a sample when at least 100 ms passed since the last one (called from the cron).
void TrackInstantaneousMetrics();
// Commands per second.
int64_t InstantaneousOpsPerSec();
// Network input / output in KB per second.
double InstantaneousInputKbps();
double InstantaneousOutputKbps();
// The same for the replication stream read from our master (INFO instantaneous_input_repl_kbps).
double InstantaneousInputReplKbps();

}  // namespace corvid
