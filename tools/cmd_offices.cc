// entente offices --db DIR PERSON: a person's offices over time.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_offices(CLI::App& app) {
  auto* cmd = app.add_subcommand("offices", "A person's offices over time, by start, with the sources");
  struct Args {
    Common common;
    std::string person;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  cmd->add_option("PERSON", args->person, "Person:key (e.g. Person:putin), or a unique name or alias")->required();
  return [args] {
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    Node person = snap->resolve(args->person);
    auto result = offices(*snap, person.ref().str());
    if (args->common.json) {
      auto j = nlohmann::ordered_json::array();
      for (const auto& t : result) j.push_back(office_term_json(t));
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    fmt::print("Offices of {}: {}\n", describe(person),
               result.empty() ? "none" : fmt::format("{} term{}", result.size(), plural(result.size())));
    for (const auto& t : result) {
      fmt::print("  {}  {}, {}\n", describe_valid(t.edge.valid), t.office.empty() ? "(office not given)" : t.office,
                 describe(t.of));
      for (const auto& c : distinct_sources(t.edge.sources)) fmt::print("      source: {}\n", c);
    }
    return kOk;
  };
}

}  // namespace entente::cli
