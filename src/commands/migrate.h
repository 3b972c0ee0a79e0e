// MIGRATE's cached connections to target instances (Redis keeps them for 10 s of inactivity).
#pragma once

namespace corvid {

// Closes the cached MIGRATE connections idle for 10 seconds or more (from the cron).
void CloseIdleMigrateSockets();

}  // namespace corvid
