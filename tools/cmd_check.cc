// entente check --db DIR [--repair] [--json]: verifies every stored invariant (docs/format.md,
// "Invariants"); --repair rebuilds the derived indexes and the id counters, then checks again.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

namespace {

nlohmann::ordered_json report_json(const CheckReport& r) {
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  for (const auto& p : r.problems) problems.push_back({{"where", p.where}, {"reason", p.reason}});
  return {{"clean", r.clean()},
          {"read",
           {{"nodes", r.nodes}, {"edges", r.edges}, {"adjacency", r.adjacency}, {"keys", r.keys}, {"names", r.names}}},
          {"problems", problems},
          {"more_problems", r.more_problems},
          {"problem_count", r.problem_count()},
          {"problem_limit", r.problem_limit}};
}

std::uint64_t problem_count(const CheckReport& r) { return r.problem_count(); }

void print_report(const CheckReport& r) {
  fmt::print("read {} node{}, {} edge{}, {} adjacency entr{}, {} key index entr{}, {} name index entr{}\n", r.nodes,
             plural(r.nodes), r.edges, plural(r.edges), r.adjacency, r.adjacency == 1 ? "y" : "ies", r.keys,
             r.keys == 1 ? "y" : "ies", r.names, r.names == 1 ? "y" : "ies");
  for (const auto& p : r.problems) fmt::print("{}: {}\n", p.where, p.reason);
  if (r.more_problems > 0) {
    fmt::print("... and {} more problem{} (the first {} are listed)\n", r.more_problems, plural(r.more_problems),
               r.problem_limit);
  }
}

}  // namespace

Runner add_check(CLI::App& app) {
  auto* cmd = app.add_subcommand("check", "Verify every invariant of the stored data; --repair rebuilds the indexes");
  struct Args {
    Common common;
    bool repair = false;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  cmd->add_flag("--repair", args->repair,
                "rebuild the key, name and adjacency indexes and the id counters from the records "
                "(opens the database for writing), then check again");
  cmd->footer(
      "Prints what was read and each problem as 'where: reason' (the first 1000, then a count): broken\n"
      "invariants, record counts per type that differ from the records read, and files that are missing,\n"
      "of the wrong size or fail their checksums. Damaged records are never changed by --repair; they stay\n"
      "in the report: 'entente salvage' copies what can be read into a new database.\n"
      "Exit status: 0 clean, 1 problems remain (or the database cannot be opened), 2 a usage error.");
  return [args] {
    CheckReport report;
    std::optional<std::uint64_t> found;  // problems before the repair
    if (args->repair) {
      // Opened leniently: an index whose table files cannot be read is rebuilt, not a reason
      // to refuse the database.
      auto db = Database::open_for_repair(args->common.db);
      found = problem_count(db->check());
      report = db->repair();
    } else {
      report = open_for_read(args->common.db)->check();
    }
    std::uint64_t left = problem_count(report);
    if (args->common.json) {
      auto j = report_json(report);
      if (found) {
        j["repaired"] = true;
        j["found_before_repair"] = *found;
      }
      fmt::print("{}\n", j.dump(2));
      return left == 0 ? kOk : kDataError;
    }
    if (found) {
      fmt::print("found {} problem{}; rebuilt the key, name and adjacency indexes and the id counters\n", *found,
                 plural(*found));
    }
    print_report(report);
    if (left == 0) {
      fmt::print("clean\n");
      return kOk;
    }
    fmt::print("{} problem{}{}\n", left, plural(left), found ? (left == 1 ? " remains" : " remain") : "");
    return kDataError;
  };
}

}  // namespace entente::cli
