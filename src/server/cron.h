// The periodic server tick (`hz` times a second): active expiry, rehashing, client timeouts, pauses.
#pragma once

namespace corvid {

// Starts the tick on the event loop.
void StartCron();
// Releases the tick's timer (before the event loop is destroyed).
void StopCron();
// Makes the event loop return so main() can shut down.
void RequestShutdown();

}  // namespace corvid
