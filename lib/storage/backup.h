// Backups that share nothing with the database they copy: every file a real copy (never a
// hard link, which would share the original's damage), listed with its size and CRC-32 in
// BACKUP-CHECKSUMS (docs/format.md §1), made in a temporary directory and renamed into
// place. A backup is itself a database directory: it opens read-only as it is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "storage/store.h"

namespace entente::storage {

inline constexpr const char* kBackupList = "BACKUP-CHECKSUMS";

struct BackupFile {
  std::string name;
  std::uint64_t size = 0;
  std::uint32_t crc = 0;
};
struct BackupInfo {
  std::vector<BackupFile> files;
  std::uint64_t bytes = 0;
  bool listed = false;  // the backup has a checksum list, and every file matched it
};

// A consistent copy of `store` as of now in the new directory `to`. Throws Error(kInvalid)
// when `to` exists, Error(kIO) ("no space left on device ...") leaving nothing at `to`.
BackupInfo make_backup(const Store& store, const std::filesystem::path& to);

// Reads every file of the backup and compares it with the list. Throws Error(kCorruption)
// naming every file that is missing, of another size, fails its checksum, or is not listed;
// Error(kInvalid) when the directory has no list (not made by make_backup).
BackupInfo verify_backup(const std::filesystem::path& backup);

// Verifies the backup (when it has a list), copies it into `to` (absent or an empty
// directory) through a temporary directory, checking each copy against the list, calls
// `check` on the copy, and renames it into place. Nothing is left at `to` on failure.
BackupInfo restore_backup(const std::filesystem::path& backup, const std::filesystem::path& to,
                          const std::function<void(const std::filesystem::path&)>& check);

}  // namespace entente::storage
