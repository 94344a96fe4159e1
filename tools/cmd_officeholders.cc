// entente officeholders --db DIR STATE --at DATE [--office TITLE]: who held which office of a
// state or organization on a date.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_officeholders(CLI::App& app) {
  auto* cmd = app.add_subcommand("officeholders",
                                 "Who held which office of a state or organization on a date, with the sources");
  struct Args {
    Common common;
    std::string of;
    std::string at;
    std::string office;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  cmd->add_option("STATE", args->of, "a State or Organization: Type:key (e.g. State:VNM), or a unique name or alias")
      ->required();
  cmd->add_option("--at", args->at, "the date (YYYY[-MM[-DD]])")->required()->type_name("DATE");
  cmd->add_option("--office", args->office, "only offices whose title contains this (ignoring case)")->type_name("TITLE");
  return [args] {
    Date at = parse_date_arg(args->at, "--at");
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    Node of = snap->resolve(args->of);
    auto result = officeholders(*snap, of.ref().str(), at, args->office);
    if (args->common.json) {
      auto j = nlohmann::ordered_json::array();
      for (const auto& t : result) j.push_back(office_term_json(t));
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    fmt::print("Offices of {} on {}{}: {}\n", describe(of), at.str(),
               args->office.empty() ? "" : " matching '" + args->office + "'",
               result.empty() ? "none" : fmt::format("{} holder{}", result.size(), plural(result.size())));
    for (const auto& t : result) {
      fmt::print("  {}: {}  {}\n", t.office.empty() ? "(office not given)" : t.office, describe(t.person),
                 describe_valid(t.edge.valid));
      for (const auto& c : distinct_sources(t.edge.sources)) fmt::print("      source: {}\n", c);
    }
    return kOk;
  };
}

}  // namespace entente::cli
