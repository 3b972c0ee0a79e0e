// Logging in Redis' line format: "pid:role dd Mon yyyy hh:mm:ss.mmm <level-char> message".
#pragma once
#include <spdlog/spdlog.h>

#include <string>

#include "server/config.h"

namespace corvid {

// Sets up the logger: file ("" = stdout) and level. Returns false if the file cannot be opened.
bool InitLogging(const std::string& file, LogLevel level);
// Changes the level at run time (CONFIG SET loglevel).
void SetLogLevel(LogLevel level);
// The role letter after the pid: 'M' (the server), 'C' (a forked child), as Redis.
void SetLogRole(char role);

template <typename... Args>
void LogDebug(spdlog::format_string_t<Args...> f, Args&&... a) { spdlog::trace(f, std::forward<Args>(a)...); }
template <typename... Args>
void LogVerbose(spdlog::format_string_t<Args...> f, Args&&... a) { spdlog::debug(f, std::forward<Args>(a)...); }
template <typename... Args>
void LogNotice(spdlog::format_string_t<Args...> f, Args&&... a) { spdlog::info(f, std::forward<Args>(a)...); }
template <typename... Args>
void LogWarning(spdlog::format_string_t<Args...> f, Args&&... a) { spdlog::warn(f, std::forward<Args>(a)...); }

}  // namespace corvid
