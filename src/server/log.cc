#include "server/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace corvid {

namespace {
// Redis' level marks: '.' debug, '-' verbose, '*' notice, '#' warning.
class LevelMark : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    char c = '*';
    switch (msg.level) {
      case spdlog::level::trace: c = '.'; break;
      case spdlog::level::debug: c = '-'; break;
      case spdlog::level::info: c = '*'; break;
      default: c = '#'; break;
    }
    dest.push_back(c);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<LevelMark>(); }
};

spdlog::level::level_enum ToSpd(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return spdlog::level::trace;
    case LogLevel::kVerbose: return spdlog::level::debug;
    case LogLevel::kNotice: return spdlog::level::info;
    case LogLevel::kWarning: return spdlog::level::warn;
  }
  return spdlog::level::off;
}
}  // namespace

bool InitLogging(const std::string& file, LogLevel level) {
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (file.empty())
      logger = spdlog::stdout_logger_st("corvid");
    else
      logger = spdlog::basic_logger_st("corvid", file);
  } catch (const spdlog::spdlog_ex&) {
    return false;
  }
  spdlog::set_default_logger(logger);
  SetLogRole('M');
  logger->flush_on(spdlog::level::trace);
  SetLogLevel(level);
  return true;
}

void SetLogRole(char role) {
  auto fmt = std::make_unique<spdlog::pattern_formatter>();
  fmt->add_flag<LevelMark>('*').set_pattern(std::string("%P:") + role + " %d %b %Y %H:%M:%S.%e %* %v");
  spdlog::default_logger()->set_formatter(std::move(fmt));
}

void SetLogLevel(LogLevel level) { spdlog::set_level(ToSpd(level)); }

}  // namespace corvid
