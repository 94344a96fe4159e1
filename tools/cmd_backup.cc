// entente backup --db DIR --to BACKUP: a consistent copy of a database in a new directory.
// entente restore --from BACKUP --db DIR: a backup copied into a new database directory.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_backup(CLI::App& app) {
  auto* cmd = app.add_subcommand("backup", "Copy a database, consistently, into a new directory");
  struct Args {
    Common common;
    std::string to;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common, false);
  cmd->add_option("--to", args->to, "the backup directory; must not exist")->required()->type_name("DIR");
  // A RocksDB checkpoint taken by a read-only instance can miss files that another process
  // compacts or deletes meanwhile, so the command takes the write lock: it refuses a database
  // that another process writes (kConflict, naming the LOCK file). A program that writes the
  // database backs it up online, with Database::backup, while its writer and readers go on.
  cmd->footer(
      "The backup is itself a database: read it with --db, or copy it back with 'entente restore'.\n"
      "The database must not be open for writing by another process (the backup takes its lock);\n"
      "a program that writes the database backs it up while running with Database::backup.\n"
      "Exit status: 0 backed up, 1 an error (no database, locked, the backup directory exists), "
      "2 a usage error.");
  return [args] {
    Options o;
    o.create_if_missing = false;
    auto db = Database::open(args->common.db, o);
    db->backup(args->to);
    fmt::print("backed up {} to {}\n", args->common.db, args->to);
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
  add_common(*cmd, args->common, false);
  cmd->footer(
      "The backup is checked to open as an entente database first. The --db directory must not exist:\n"
      "restore never overwrites a database.\n"
      "Exit status: 0 restored, 1 an error (not a backup, the directory exists), 2 a usage error.");
  return [args] {
    Database::restore(args->from, args->common.db);
    fmt::print("restored {} to {}\n", args->from, args->common.db);
    return kOk;
  };
}

}  // namespace entente::cli
