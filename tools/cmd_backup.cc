// entente backup --db DIR --to BACKUP [--verify]: a consistent, independent copy of a database.
// entente backup --verify --to BACKUP: reads every file of a backup against its checksums.
// entente restore --from BACKUP --db DIR: a verified backup copied into a new database directory.
#include <set>

#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

namespace {

std::string size_text(std::uint64_t bytes) {
  if (bytes >= (std::uint64_t{1} << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
  if (bytes >= 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{} bytes", bytes);
}

nlohmann::ordered_json report_json(const BackupReport& r) {
  return {{"files", r.files}, {"bytes", r.bytes}, {"verified", r.verified}};
}

}  // namespace

Runner add_backup(CLI::App& app) {
  auto* cmd = app.add_subcommand("backup", "Copy a database, consistently, into a new directory; or verify a backup");
  struct Args {
    std::string db;
    std::string to;
    bool verify = false;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--db", args->db, "the database to back up (leave out with --verify to check a backup only)")
      ->type_name("DIR");
  cmd->add_option("--to", args->to, "the backup directory: new (or empty) when backing up")->required()->type_name("DIR");
  cmd->add_flag("--verify", args->verify, "read every file of the backup and compare it with its checksum list");
  cmd->add_flag("--json", args->json, "machine-readable output (JSON)");
  // A RocksDB checkpoint taken by a read-only instance can miss files that another process
  // compacts or deletes meanwhile, so the command takes the write lock: it refuses a database
  // that another process writes (kConflict, naming the LOCK file). A program that writes the
  // database backs it up online, with Database::backup, while its writer and readers go on.
  cmd->footer(
      "The backup is itself a database, every file a real copy listed with its CRC-32 in BACKUP-CHECKSUMS:\n"
      "read it with --db, verify it with 'entente backup --verify --to DIR', copy it back with\n"
      "'entente restore'. The database must not be open for writing by another process (the backup takes\n"
      "its lock); a program that writes the database backs it up while running with Database::backup.\n"
      "Exit status: 0 backed up (and verified), 1 an error (no database, locked, the backup directory\n"
      "exists, a damaged backup), 2 a usage error.");
  return [args] {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    if (!args->db.empty()) {
      Options o;
      o.create_if_missing = false;
      auto db = Database::open(args->db, o);
      auto r = db->backup(args->to);
      if (args->json) {
        out["backup"] = report_json(r);
      } else {
        fmt::print("backed up {} to {}: {} files, {}\n", args->db, args->to, r.files, size_text(r.bytes));
      }
    } else if (!args->verify) {
      throw CLI::ValidationError("--db", "names the database to back up (or give --verify to check a backup)");
    }
    if (args->verify) {
      auto r = Database::verify_backup(args->to);
      if (args->json) {
        out["verify"] = report_json(r);
      } else {
        fmt::print("verified {}: {} files, {}, every checksum matches\n", args->to, r.files, size_text(r.bytes));
      }
    }
    if (args->json) fmt::print("{}\n", out.dump());
    return kOk;
  };
}

Runner add_restore(CLI::App& app) {
  auto* cmd = app.add_subcommand("restore", "Copy a backup into a new database directory");
  struct Args {
    Common common;
    std::string from;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--from", args->from, "the backup directory (made by 'entente backup')")
      ->required()
      ->type_name("DIR");
  add_common(*cmd, args->common);
  cmd->footer(
      "Every file of the backup is checked against its checksum list, copied, checked again and opened as an\n"
      "entente database before the copy is moved to --db, which must not exist (or be empty): restore never\n"
      "overwrites a database, and leaves nothing behind when it fails.\n"
      "Exit status: 0 restored, 1 an error (not a backup, a damaged backup, the directory exists, a full\n"
      "disk), 2 a usage error.");
  return [args] {
    auto r = Database::restore(args->from, args->common.db);
    if (args->common.json) {
      fmt::print("{}\n", report_json(r).dump());
      return kOk;
    }
    fmt::print("restored {} to {}: {} files, {}{}\n", args->from, args->common.db, r.files, size_text(r.bytes),
               r.verified ? ", every checksum verified" : " (an older backup without checksums: opened, not verified)");
    return kOk;
  };
}

Runner add_salvage(CLI::App& app) {
  auto* cmd = app.add_subcommand("salvage", "Copy what can still be read of a damaged database into a new one");
  struct Args {
    Common common;
    std::string to;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  cmd->add_option("--to", args->to, "the new database directory; must not exist (or be empty)")
      ->required()
      ->type_name("DIR");
  cmd->footer(
      "The damaged database (--db) is never changed: its files are copied and only the copy is read. The\n"
      "write-ahead log is replayed up to its first damage, a lost CURRENT or MANIFEST is rebuilt from the\n"
      "table files, and every record that still decodes is written, with its indexes, into --to. The\n"
      "report lists what was recovered per type against what the database's own counts said it held.\n"
      "Exit status: 0 everything recovered, 1 something was lost (the report says what) or an error,\n"
      "2 a usage error.");
  return [args] {
    auto r = Database::salvage(args->common.db, args->to);
    if (args->common.json) {
      nlohmann::ordered_json j = {{"to", args->to},
                                  {"nodes", r.nodes},
                                  {"edges", r.edges},
                                  {"expected_nodes", r.expected_nodes},
                                  {"expected_edges", r.expected_edges},
                                  {"lost_nodes", r.lost_nodes},
                                  {"lost_edges", r.lost_edges},
                                  {"notes", r.notes},
                                  {"complete", r.complete()}};
      fmt::print("{}\n", j.dump(2));
      return r.complete() ? kOk : kDataError;
    }
    fmt::print("salvaged {} into {}\n", args->common.db, args->to);
    for (const auto& n : r.notes) fmt::print("  note: {}\n", n);
    auto line = [](const char* what, const std::map<std::string, std::uint64_t>& got,
                   const std::map<std::string, std::uint64_t>& expected) {
      std::set<std::string> types;
      for (const auto& [t, n] : got) types.insert(t);
      for (const auto& [t, n] : expected) types.insert(t);
      for (const auto& t : types) {
        auto g = got.count(t) ? got.at(t) : 0;
        if (expected.count(t)) {
          fmt::print("  {} {}: {} recovered of {}\n", what, t, g, expected.at(t));
        } else {
          fmt::print("  {} {}: {} recovered\n", what, t, g);
        }
      }
    };
    line("nodes", r.nodes, r.expected_nodes);
    line("edges", r.edges, r.expected_edges);
    if (r.complete()) {
      fmt::print("nothing was lost\n");
      return kOk;
    }
    fmt::print("lost: {} node{}, {} edge{}\n", r.lost_nodes, plural(r.lost_nodes), r.lost_edges, plural(r.lost_edges));
    return kDataError;
  };
}

}  // namespace entente::cli
