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

// The data concerns listed at most.
constexpr std::size_t kMaxConcerns = 1000;

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
    bool strict = false;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  cmd->add_flag("--repair", args->repair,
                "rebuild the key, name and adjacency indexes and the id counters from the records "
                "(opens the database for writing), then check again");
  cmd->add_flag("--strict", args->strict, "exit 1 when the data has concerns too, not only problems");
  cmd->footer(
      "Prints what was read and each problem as 'where: reason' (the first 1000, then a count): broken\n"
      "invariants, record counts per type that differ from the records read, and files that are missing,\n"
      "of the wrong size or fail their checksums. Damaged records are never changed by --repair; they stay\n"
      "in the report: 'entente salvage' copies what can be read into a new database.\n"
      "Then, when the records are intact, data concerns as 'concern: where: reason': what the data says\n"
      "that cannot be so (a treaty in force before its signature, a member bound outside its treaty's\n"
      "period in force, two holders of one office at once). Fix them in the source and import again.\n"
      "Exit status: 0 clean (concerns too, unless --strict), 1 problems remain (or the database cannot\n"
      "be opened), 2 a usage error.");
  return [args] {
    CheckReport report;
    std::optional<std::uint64_t> found;  // problems before the repair
    std::unique_ptr<Database> db;
    if (args->repair) {
      // Opened leniently: an index whose table files cannot be read is rebuilt, not a reason
      // to refuse the database.
      db = Database::open_for_repair(args->common.db);
      found = problem_count(db->check());
      report = db->repair();
    } else {
      db = open_for_read(args->common.db);
      report = db->check();
    }
    std::uint64_t left = problem_count(report);
    // Concerns are read through the graph, so only from intact records.
    std::vector<Problem> concerns;
    if (left == 0) concerns = data_concerns(*db->snapshot(), kMaxConcerns);
    const int status = left > 0 || (args->strict && !concerns.empty()) ? kDataError : kOk;
    if (args->common.json) {
      auto j = report_json(report);
      auto cj = nlohmann::ordered_json::array();
      for (const auto& c : concerns) cj.push_back({{"where", c.where}, {"reason", c.reason}});
      j["concerns"] = std::move(cj);
      if (found) {
        j["repaired"] = true;
        j["found_before_repair"] = *found;
      }
      fmt::print("{}\n", j.dump(2));
      return status;
    }
    if (found) {
      fmt::print("found {} problem{}; rebuilt the key, name and adjacency indexes and the id counters\n", *found,
                 plural(*found));
    }
    print_report(report);
    for (const auto& c : concerns) fmt::print("concern: {}: {}\n", c.where, c.reason);
    if (left == 0) {
      if (concerns.empty()) {
        fmt::print("clean\n");
      } else {
        fmt::print("clean: the records are intact; {} data concern{}{}\n", concerns.size(), plural(concerns.size()),
                   concerns.size() >= kMaxConcerns ? " (the first listed)" : "");
      }
      return status;
    }
    fmt::print("{} problem{}{}\n", left, plural(left), found ? (left == 1 ? " remains" : " remain") : "");
    return kDataError;
  };
}

}  // namespace entente::cli
