// Writing a whole file for persistence: the content, then fsync, then close.
#pragma once
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace corvid {

// Runs write(fd, err) (true on success), fsyncs and closes fd. False with *err (the writer's, or fsync's
// strerror) when either failed; fd is closed in every case.
template <typename WriteFn>
bool WriteSyncClose(int fd, std::string* err, WriteFn&& write) {
  bool ok = write(fd, err);
  if (ok && fsync(fd) != 0) {
    ok = false;
    *err = strerror(errno);
  }
  close(fd);
  return ok;
}

}  // namespace corvid
