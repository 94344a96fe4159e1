// entente log --db DIR [--json]: the commit log, oldest first: each commit's number, time
// (UTC), message, and what it created, replaced and removed (record time, docs/format.md,
// "Format 6").
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

namespace {

nlohmann::ordered_json counts_of(const WriteCounts& c) {
  return {{"created", c.created}, {"replaced", c.updated}, {"removed", c.removed}};
}

// "+3 ~1 -2" for created, replaced, removed; "0" when the commit changed none.
std::string changes(const WriteCounts& c) {
  std::string out;
  auto add = [&](char sign, std::uint64_t n) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += fmt::format("{}{}", sign, n);
  };
  add('+', c.created);
  add('~', c.updated);
  add('-', c.removed);
  return out.empty() ? "0" : out;
}

}  // namespace

Runner add_log(CLI::App& app) {
  auto* cmd = app.add_subcommand("log", "List the commits, oldest first: number, time (UTC), message, changes");
  auto common = std::make_shared<Common>();
  add_common(*cmd, *common);
  cmd->footer(
      "Every commit that changed the database is logged: imports (one commit a file, or one for --single-transaction "
      "and --bulk; several with --commit-every), added types and repairs. Changes are counted as nodes and edges "
      "created (+), replaced (~) and removed (-). A database upgraded from format 5 or older begins with the upgrade's "
      "commit (docs/history.md).");
  return [common] {
    auto db = open_for_read(common->db);
    auto log = db->log();
    if (common->json) {
      nlohmann::ordered_json j = nlohmann::ordered_json::array();
      for (const auto& c : log) {
        j.push_back({{"commit", c.number},
                     {"time", c.time_text()},
                     {"message", c.message},
                     {"nodes", counts_of(c.nodes)},
                     {"edges", counts_of(c.edges)}});
      }
      fmt::print("{}\n", j.dump());
      return kOk;
    }
    if (log.empty()) {
      fmt::print("no commits logged (a new database, or one written before record time: format 5 or older, read-only)\n");
      return kOk;
    }
    fmt::print("{:>7}  {:<27}  {:<16}  {:<16}  {}\n", "commit", "time (UTC)", "nodes", "edges", "message");
    for (const auto& c : log) {
      fmt::print("{:>7}  {:<27}  {:<16}  {:<16}  {}\n", fmt::format("#{}", c.number), c.time_text(), changes(c.nodes),
                 changes(c.edges), c.message);
    }
    return kOk;
  };
}

}  // namespace entente::cli
