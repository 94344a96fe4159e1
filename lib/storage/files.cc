#include "storage/files.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <boost/crc.hpp>
#include <fmt/format.h>

#include "common/error.h"

namespace entente::storage::files {

namespace fs = std::filesystem;

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string errno_text(int err) { return err == ENOSPC ? "no space left on device" : std::strerror(err); }

// Closes a file descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

bool is_rocksdb_file(std::string_view name) {
  if (name == "CURRENT" || name == "IDENTITY" || name == "LOCK" || starts_with(name, "LOG")) return true;
  if (starts_with(name, "MANIFEST-") || starts_with(name, "OPTIONS-")) return true;
  return ends_with(name, ".sst") || ends_with(name, ".log") || ends_with(name, ".blob") ||
         ends_with(name, ".dbtmp");
}

DirInfo inspect(const fs::path& dir) {
  DirInfo info;
  std::error_code ec;
  auto st = fs::status(dir, ec);
  if (ec || st.type() == fs::file_type::not_found) {
    if (ec && ec != std::errc::no_such_file_or_directory) throw io_error("reading {}: {}", dir.string(), ec.message());
    info.kind = DirKind::kAbsent;
    return info;
  }
  if (st.type() != fs::file_type::directory) {
    info.kind = DirKind::kNotDirectory;
    return info;
  }
  bool current = false, data = false, other = false;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name == "CURRENT") current = true;
    if (is_rocksdb_file(name)) {
      info.rocksdb_files.push_back(name);
      // LOG and LOCK alone are what a failed creation leaves: they hold no data.
      if (!starts_with(name, "LOG") && name != "LOCK") data = true;
    } else if (name == kAckFile) {
      data = true;  // entente's own record that commits were made here
    } else {
      other = true;
    }
  }
  if (ec) throw io_error("reading {}: {}", dir.string(), ec.message());
  std::sort(info.rocksdb_files.begin(), info.rocksdb_files.end());
  if (current) {
    info.kind = DirKind::kDatabase;
  } else if (data) {
    info.kind = DirKind::kNoCurrent;
  } else {
    info.kind = other ? DirKind::kForeign : DirKind::kEmpty;
  }
  return info;
}

// The record: 64 bytes of text, so that a person can read it with cat:
//   "entente-acknowledged 1 <sequence, 20 digits> <crc32 of what precedes, 8 hex>\n"
// padded with spaces before the newline.
namespace {
constexpr std::size_t kAckSize = 64;
constexpr std::string_view kAckMagic = "entente-acknowledged 1 ";

std::uint32_t crc32(std::string_view bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}
}  // namespace

std::string encode_ack(std::uint64_t sequence) {
  std::string body = fmt::format("{}{:020}", kAckMagic, sequence);
  std::string out = fmt::format("{} {:08x}", body, crc32(body));
  out.resize(kAckSize - 1, ' ');
  out += '\n';
  return out;
}

AckRead read_ack(const fs::path& dir) {
  AckRead r;
  Fd f{::open((dir / kAckFile).c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    if (errno == ENOENT) return r;
    throw io_error("reading {}: {}", (dir / kAckFile).string(), errno_text(errno));
  }
  char buf[kAckSize];
  ssize_t n = ::pread(f.fd, buf, kAckSize, 0);
  r.state = AckState::kDamaged;
  if (n != static_cast<ssize_t>(kAckSize)) return r;
  std::string_view text(buf, kAckSize);
  if (!starts_with(text, kAckMagic)) return r;
  std::string_view digits = text.substr(kAckMagic.size(), 20);
  std::string_view body = text.substr(0, kAckMagic.size() + 20);
  if (text[body.size()] != ' ') return r;
  std::string_view hex = text.substr(body.size() + 1, 8);
  std::uint64_t seq = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return r;
    seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (fmt::format("{:08x}", crc32(body)) != hex) return r;
  r.state = AckState::kRead;
  r.ack.sequence = seq;
  return r;
}

AckWriter::AckWriter(const fs::path& dir) : path_(dir / kAckFile) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw io_error("opening {}: {}", path_.string(), errno_text(errno));
}

AckWriter::~AckWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void AckWriter::write(std::uint64_t sequence) {
  if (sequence <= written_ && wrote_) return;
  std::string bytes = encode_ack(sequence);
  // Rewritten in place: after its first write it takes no more space, even on a full disk.
  if (::pwrite(fd_, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
    throw io_error("writing {}: {}", path_.string(), errno_text(errno));
  }
  written_ = sequence;
  wrote_ = true;
}

FileSum copy_file(const fs::path& from, const fs::path& to) {
  Fd in{::open(from.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) throw io_error("reading {}: {}", from.string(), errno_text(errno));
  Fd out{::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
  if (out.fd < 0) throw io_error("creating {}: {}", to.string(), errno_text(errno));
  auto fail = [&](const char* doing, const fs::path& file, int err) {
    ::close(out.fd);
    out.fd = -1;
    std::error_code ec;
    fs::remove(to, ec);
    return io_error("{} {}: {}", doing, file.string(), errno_text(err));
  };
  boost::crc_32_type crc;
  FileSum sum;
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(in.fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw fail("reading", from, errno);
    }
    if (n == 0) break;
    crc.process_bytes(buf.data(), static_cast<std::size_t>(n));
    sum.size += static_cast<std::uint64_t>(n);
    if (!charge_disk(static_cast<std::uint64_t>(n))) throw fail("writing", to, ENOSPC);
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.fd, buf.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0) {
        if (errno == EINTR) continue;
        throw fail("writing", to, errno);
      }
      done += w;
    }
  }
  if (::fsync(out.fd) != 0) throw fail("syncing", to, errno);
  if (::close(out.fd) != 0) {
    out.fd = -1;
    throw fail("closing", to, errno);
  }
  out.fd = -1;
  sum.crc = crc.checksum();
  return sum;
}

FileSum checksum(const fs::path& file) {
  Fd in{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) throw io_error("reading {}: {}", file.string(), errno_text(errno));
  boost::crc_32_type crc;
  std::vector<char> buf(1 << 20);
  FileSum sum;
  for (;;) {
    ssize_t n = ::read(in.fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw io_error("reading {}: {}", file.string(), errno_text(errno));
    }
    if (n == 0) break;
    crc.process_bytes(buf.data(), static_cast<std::size_t>(n));
    sum.size += static_cast<std::uint64_t>(n);
  }
  sum.crc = crc.checksum();
  return sum;
}

void sync_dir(const fs::path& dir) {
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0 || ::fsync(d.fd) != 0) throw io_error("syncing {}: {}", dir.string(), errno_text(errno));
}

void write_file(const fs::path& file, std::string_view content) {
  Fd out{::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (out.fd < 0) throw io_error("creating {}: {}", file.string(), errno_text(errno));
  if (!charge_disk(content.size())) throw io_error("writing {}: {}", file.string(), errno_text(ENOSPC));
  for (std::size_t done = 0; done < content.size();) {
    ssize_t w = ::write(out.fd, content.data() + done, content.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw io_error("writing {}: {}", file.string(), errno_text(errno));
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(out.fd) != 0) throw io_error("syncing {}: {}", file.string(), errno_text(errno));
}

namespace {
struct DiskLimit {
  bool set = false;
  std::uint64_t limit = 0;
  std::atomic<std::uint64_t> used{0};
  DiskLimit() {
    if (const char* v = std::getenv("ENTENTE_FAULT_DISK_BYTES"); v && *v) {
      char* end = nullptr;
      unsigned long long n = std::strtoull(v, &end, 10);
      if (end && *end == '\0') {
        set = true;
        limit = n;
      }
    }
  }
};
DiskLimit& disk_limit() {
  static DiskLimit limit;
  return limit;
}
}  // namespace

bool disk_limited() { return disk_limit().set; }

namespace {
bool pid_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }
fs::path parent_of(const fs::path& path) { return path.parent_path().empty() ? fs::path(".") : path.parent_path(); }
}  // namespace

fs::path sibling(const fs::path& path, std::string_view tag) {
  return parent_of(path) / fmt::format(".{}.{}-{}", path.filename().string(), tag, ::getpid());
}

void remove_stale_siblings(const fs::path& path, std::string_view tag) {
  const std::string prefix = fmt::format(".{}.{}-", path.filename().string(), tag);
  std::error_code ec;
  for (fs::directory_iterator it(parent_of(path), ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (n.rfind(prefix, 0) != 0) continue;
    long pid = std::strtol(n.c_str() + prefix.size(), nullptr, 10);
    std::error_code ignored;
    if (!pid_alive(pid)) fs::remove_all(it->path(), ignored);
  }
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

bool charge_disk(std::uint64_t bytes) {
  auto& d = disk_limit();
  if (!d.set) return true;
  std::uint64_t before = d.used.fetch_add(bytes);
  return before + bytes <= d.limit;
}

}  // namespace entente::storage::files
