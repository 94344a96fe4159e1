// Standard input as a stream buffer that reads fd 0 in 64 KiB blocks.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ios>
#include <streambuf>

namespace entente::io {

// Standard input, read from file descriptor 0 in blocks. (std::cin, kept in step with C
// stdio, hands out one byte per call: some 80 ns a byte, 5 s for a 64 MiB line.) A read
// error sets the stream's badbit.
class StdinBuffer : public std::streambuf {
 protected:
  int_type underflow() override {
    ssize_t n;
    do {
      n = ::read(STDIN_FILENO, buf_, sizeof buf_);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw std::ios_base::failure(std::strerror(errno));  // the istream sets badbit
    if (n == 0) return traits_type::eof();
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  char buf_[64 * 1024];
};

}  // namespace entente::io
