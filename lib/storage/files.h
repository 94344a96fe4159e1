// The file-level side of durability, beneath the store: what a database directory holds,
// the acknowledgement record (ACKNOWLEDGED, docs/format.md §1), file copies that are
// checked and synced, and the disk limit that tests inject to stand in for a full disk.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace entente::storage::files {

// A C stream closed when it goes out of scope (the spill's run files).
struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// What a directory holds, as far as opening a database there goes.
enum class DirKind {
  kAbsent,        // nothing at the path
  kEmpty,         // an empty directory
  kDatabase,      // a RocksDB database (it has a CURRENT file)
  kNoCurrent,     // RocksDB's files without CURRENT: a damaged database
  kForeign,       // a directory of other files: not a database, and not to be made one
  kNotDirectory,  // a file, not a directory
};
struct DirInfo {
  DirKind kind = DirKind::kAbsent;
  std::vector<std::string> rocksdb_files;  // names RocksDB would recognize, sorted
};
DirInfo inspect(const std::filesystem::path& dir);
// Whether RocksDB would take `name` for one of its own files (CURRENT, MANIFEST-*, *.sst,
// *.log, OPTIONS-*, IDENTITY, LOCK, LOG*).
bool is_rocksdb_file(std::string_view name);

// The acknowledgement record: the sequence number of the newest commit acknowledged to a
// caller as durable. RocksDB's own files can lose a commit without a word (a truncated
// write-ahead log, a MANIFEST cut short); a database that opens below this number has lost
// acknowledged writes, and entente refuses to read it as if it were whole.
inline constexpr const char* kAckFile = "ACKNOWLEDGED";
struct Ack {
  std::uint64_t sequence = 0;
};
enum class AckState { kAbsent, kRead, kDamaged };
struct AckRead {
  AckState state = AckState::kAbsent;
  Ack ack;
};
AckRead read_ack(const std::filesystem::path& dir);

// Writes the record in place (one pwrite of a fixed-size block, never truncated); it is
// only ever a lower bound of what is durable, so it needs no fsync of its own: it is
// written after the commit it records is durable.
class AckWriter {
 public:
  explicit AckWriter(const std::filesystem::path& dir);
  ~AckWriter();
  AckWriter(const AckWriter&) = delete;
  AckWriter& operator=(const AckWriter&) = delete;
  // Records `sequence` unless a larger one is recorded. Throws Error(kIO).
  void write(std::uint64_t sequence);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
  bool wrote_ = false;  // the first write fills the file, whatever the sequence
};
// The bytes of the record for `sequence` (exposed for the format tests).
std::string encode_ack(std::uint64_t sequence);

// The size of a file's bytes and their CRC-32 (ISO-HDLC, as zlib's).
struct FileSum {
  std::uint64_t size = 0;
  std::uint32_t crc = 0;
};
// Copies `from` to `to` (which must not exist), fsyncs it, and returns what it copied.
// Throws Error(kIO) naming the file; "no space left on device" when the disk is full
// (or the injected limit is reached). A partial `to` is removed.
FileSum copy_file(const std::filesystem::path& from, const std::filesystem::path& to);
FileSum checksum(const std::filesystem::path& file);
// fsync of a directory, so that the names created or renamed in it are durable.
void sync_dir(const std::filesystem::path& dir);
// Writes a small file whole and fsyncs it (for lists and markers).
void write_file(const std::filesystem::path& file, std::string_view content);

// Temporary directories beside a path, named ".NAME.TAG-PID" (a creation, a backup, a
// restore in progress): a kill leaves one behind, and the next operation removes those of
// processes that are gone.
std::filesystem::path sibling(const std::filesystem::path& path, std::string_view tag);
void remove_stale_siblings(const std::filesystem::path& path, std::string_view tag);
// Removes its directory on every way out, unless release()d.
class ScratchDir {
 public:
  explicit ScratchDir(std::filesystem::path path) : path_(std::move(path)) {}
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

// The injected disk limit (testing; docs/reliability.md): when the environment variable
// ENTENTE_FAULT_DISK_BYTES is set to N, every write of this process through the store's
// file system and through copy_file fails with "no space left on device" once N bytes in
// all have been written. Returns false when the write of `bytes` more would exceed it.
bool charge_disk(std::uint64_t bytes);
bool disk_limited();

}  // namespace entente::storage::files
