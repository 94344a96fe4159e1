// entente dump --db DIR: the whole database as JSON Lines, in a deterministic order.
#include <iostream>

#include "cli.h"

namespace entente::cli {

Runner add_dump(CLI::App& app) {
  auto* cmd = app.add_subcommand("dump", "Write the database as JSON Lines to stdout (sorted deterministically)");
  auto common = std::make_shared<Common>();
  add_common(*cmd, *common, false);
  add_as_of(*cmd, *common);
  cmd->footer("The output imports into an empty database and dumps to the same bytes.");
  return [common] {
    auto db = open_for_read(common->db);
    std::ios::sync_with_stdio(false);
    dump_jsonl(*snapshot_of(*db, *common), std::cout);
    return kOk;
  };
}

}  // namespace entente::cli
