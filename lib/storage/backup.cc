#include "storage/backup.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <boost/crc.hpp>
#include <fmt/format.h>

#include "common/error.h"
#include "storage/files.h"

namespace entente::storage {

namespace fs = std::filesystem;

namespace {

// The list: "entente-backup 1", then "NAME SIZE CRC" per file (CRC in 8 hex digits), then
// "end CRC" with the CRC-32 of every line before it (newlines included).
std::string list_text(const std::vector<BackupFile>& files) {
  std::string body = "entente-backup 1\n";
  for (const auto& f : files) body += fmt::format("{} {} {:08x}\n", f.name, f.size, f.crc);
  boost::crc_32_type crc;
  crc.process_bytes(body.data(), body.size());
  return body + fmt::format("end {:08x}\n", crc.checksum());
}

// nullopt when there is no list; throws Error(kCorruption) when it is damaged.
std::optional<std::vector<BackupFile>> read_list(const fs::path& dir) {
  std::ifstream in(dir / kBackupList, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto damaged = [&](std::string_view why) {
    return corruption("the backup {} is damaged: its checksum list {} {}", dir.string(), kBackupList, why);
  };
  auto end = text.rfind("end ");
  if (text.rfind("entente-backup 1\n", 0) != 0 || end == std::string::npos) throw damaged("is not a list");
  boost::crc_32_type crc;
  crc.process_bytes(text.data(), end);
  if (text.substr(end) != fmt::format("end {:08x}\n", crc.checksum())) throw damaged("fails its own checksum");
  std::vector<BackupFile> files;
  std::istringstream lines(text.substr(0, end));
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    BackupFile f;
    std::string crc_hex;
    if (!(fields >> f.name >> f.size >> crc_hex) || crc_hex.size() != 8) throw damaged("has a malformed line");
    f.crc = static_cast<std::uint32_t>(std::strtoul(crc_hex.c_str(), nullptr, 16));
    files.push_back(std::move(f));
  }
  return files;
}

// Runs `work`; a full disk becomes Error(kIO) with `message` (what was being done, and that
// nothing was left behind), any other error passes through.
template <typename F>
auto on_full_disk(const std::string& message, F&& work) {
  try {
    return work();
  } catch (const Error& e) {
    if (std::string_view(e.what()).find("no space left on device") == std::string_view::npos) throw;
    throw io_error("no space left on device while {} ({})", message, e.what());
  }
}

// Whether `dir` may receive a new database or backup: absent, or an empty directory.
void require_new(const fs::path& dir, const char* what) {
  auto kind = files::inspect(dir).kind;
  if (kind != files::DirKind::kAbsent && kind != files::DirKind::kEmpty) {
    throw invalid("{} already exists; {} goes into a new (or empty) directory", dir.string(), what);
  }
}

void place(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) throw io_error("moving {} to {}: {}", from.string(), to.string(), ec.message());
  files::sync_dir(to.parent_path().empty() ? fs::path(".") : to.parent_path());
}

}  // namespace

BackupInfo make_backup(const Store& store, const fs::path& to) {
  require_new(to, "a backup");
  files::remove_stale_siblings(store.path(), "backup-links");
  files::remove_stale_siblings(to, "partial");
  // The checkpoint goes beside the database, where its files are hard links (cheap and
  // consistent); then each is copied into the backup.
  files::ScratchDir links(files::sibling(store.path(), "backup-links"));
  files::ScratchDir staging(files::sibling(to, "partial"));
  BackupInfo info;
  on_full_disk(fmt::format("backing up {} to {}; nothing was written (the partial copy was removed)",
                           store.path().string(), to.string()),
               [&] {
    store.checkpoint(links.path());
    std::error_code ec;
    fs::create_directories(staging.path(), ec);
    if (ec) throw io_error("creating {}: {}", staging.path().string(), ec.message());
    std::vector<fs::path> names;
    for (fs::directory_iterator it(links.path(), ec), end; !ec && it != end; it.increment(ec)) names.push_back(it->path());
    if (ec) throw io_error("reading {}: {}", links.path().string(), ec.message());
    std::sort(names.begin(), names.end());
    for (const auto& file : names) {
      BackupFile f;
      f.name = file.filename().string();
      auto sum = files::copy_file(file, staging.path() / f.name);
      f.size = sum.size;
      f.crc = sum.crc;
      info.bytes += f.size;
      info.files.push_back(std::move(f));
    }
    files::write_file(staging.path() / kBackupList, list_text(info.files));
    files::sync_dir(staging.path());
    place(staging.path(), to);
    staging.release();
  });
  info.listed = true;
  return info;
}

BackupInfo verify_backup(const fs::path& backup) {
  if (files::inspect(backup).kind != files::DirKind::kDatabase) {
    throw not_found("no backup at {} (it holds no database)", backup.string());
  }
  auto list = read_list(backup);
  if (!list) {
    throw invalid("{} has no checksum list ({}): it was not made by 'entente backup' of this version; check it with "
                  "'entente check --db {}'",
                  backup.string(), kBackupList, backup.string());
  }
  BackupInfo info;
  std::vector<std::string> problems;
  std::map<std::string, bool> listed;
  for (const auto& f : *list) {
    listed[f.name] = true;
    fs::path file = backup / f.name;
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      problems.push_back(fmt::format("{} is missing", f.name));
      continue;
    }
    auto sum = files::checksum(file);
    if (sum.size != f.size) {
      problems.push_back(fmt::format("{} is {} bytes, the list says {}", f.name, sum.size, f.size));
    } else if (sum.crc != f.crc) {
      problems.push_back(fmt::format("{} fails its checksum (CRC-32 {:08x}, the list says {:08x})", f.name, sum.crc, f.crc));
    }
    info.bytes += sum.size;
    info.files.push_back(f);
  }
  std::error_code ec;
  for (fs::directory_iterator it(backup, ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (n == kBackupList || listed.count(n)) continue;
    // What opening the backup read-only leaves (RocksDB's LOCK) is not part of it.
    if (n == "LOCK" || n.rfind("LOG", 0) == 0) continue;
    problems.push_back(fmt::format("{} is not part of the backup (it was changed after it was made)", n));
  }
  if (!problems.empty()) {
    throw corruption("the backup {} is damaged: {}", backup.string(), fmt::join(problems, "; "));
  }
  info.listed = true;
  return info;
}

BackupInfo restore_backup(const fs::path& backup, const fs::path& to,
                          const std::function<void(const fs::path&)>& check) {
  require_new(to, "a restore");
  if (files::inspect(backup).kind != files::DirKind::kDatabase) {
    throw not_found("no backup at {} (it holds no database)", backup.string());
  }
  auto list = read_list(backup);
  if (list) verify_backup(backup);
  files::remove_stale_siblings(to, "restoring");
  files::ScratchDir staging(files::sibling(to, "restoring"));
  BackupInfo info;
  on_full_disk(fmt::format("restoring {} to {}; nothing was restored (the partial copy was removed)",
                           backup.string(), to.string()),
               [&] {
    std::error_code ec;
    fs::create_directories(staging.path(), ec);
    if (ec) throw io_error("creating {}: {}", staging.path().string(), ec.message());
    std::vector<BackupFile> wanted;
    if (list) {
      wanted = *list;
    } else {
      for (fs::directory_iterator it(backup, ec), end; !ec && it != end; it.increment(ec)) {
        std::string n = it->path().filename().string();
        if (n != "LOCK" && n.rfind("LOG", 0) != 0 && it->is_regular_file()) wanted.push_back({n, 0, 0});
      }
      std::sort(wanted.begin(), wanted.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    }
    for (const auto& f : wanted) {
      auto sum = files::copy_file(backup / f.name, staging.path() / f.name);
      if (list && (sum.crc != f.crc || sum.size != f.size)) {
        throw corruption("restoring {}: {} changed while it was copied (CRC-32 {:08x}, the list says {:08x})",
                         backup.string(), f.name, sum.crc, f.crc);
      }
      info.files.push_back({f.name, sum.size, sum.crc});
      info.bytes += sum.size;
    }
    files::sync_dir(staging.path());
    if (check) check(staging.path());
    place(staging.path(), to);
    staging.release();
  });
  info.listed = list.has_value();
  return info;
}

}  // namespace entente::storage
