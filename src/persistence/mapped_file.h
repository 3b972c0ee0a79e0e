// A read-only memory mapping of a whole file: loaders read it in place (no copy; the kernel drops the pages).
#pragma once
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>

namespace corvid {

class MappedFile {
 public:
  // False with *err_no when the file cannot be opened or mapped.
  bool Open(const std::string& path, int* err_no) {
    int fd = open(path.c_str(), O_RDONLY);
    if (fd < 0) {
      *err_no = errno;
      return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      *err_no = errno;
      close(fd);
      return false;
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        *err_no = errno;
        close(fd);
        return false;
      }
      addr_ = static_cast<const char*>(p);
      madvise(p, size_, MADV_SEQUENTIAL);
    }
    close(fd);
    return true;
  }
  ~MappedFile() {
    if (addr_) munmap(const_cast<char*>(addr_), size_);
  }
  std::string_view data() const { return {addr_ ? addr_ : "", size_}; }

 private:
  const char* addr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace corvid
