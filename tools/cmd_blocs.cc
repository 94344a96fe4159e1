// entente blocs --db DIR --at DATE [--obligation O ...]: the connected groups of allied states
// on a date, with the treaties holding each together.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_blocs(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "blocs",
      "The alliance blocs on a date: groups of states joined by treaties in force carrying one of the "
      "obligations (default: defense), largest first, with the treaties holding them");
  struct Args {
    Common common;
    LimitOptions limits;
    std::string at;
    std::vector<std::string> obligations;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  add_limits(*cmd, args->limits, Bounded::kWalk);
  cmd->add_option("--at", args->at, "the date (YYYY[-MM[-DD]])")->required()->type_name("DATE");
  add_obligation_option(*cmd, args->obligations);
  return [args] {
    Date at = parse_date_arg(args->at, "--at");
    auto obligations = obligations_or_default(args->obligations);
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    auto result = blocs(*snap, at, obligations, args->limits.limits());
    if (args->common.json) {
      auto j = nlohmann::ordered_json::array();
      int number = 0;
      for (const auto& b : result) {
        nlohmann::ordered_json one = nlohmann::ordered_json::object();
        one["number"] = ++number;
        one["states"] = refs_json(b.states);
        auto treaties = nlohmann::ordered_json::array();
        for (const auto& t : b.treaties) treaties.push_back(treaty_json(t));
        one["treaties"] = std::move(treaties);
        j.push_back(std::move(one));
      }
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    fmt::print("Alliance blocs on {} ({}): {}\n", at.str(), fmt::join(obligations, ", "),
               result.empty() ? "none" : std::to_string(result.size()));
    int number = 0;
    for (const auto& b : result) {
      fmt::print("{}. {} state{}\n", ++number, b.states.size(), plural(b.states.size()));
      for (const auto& s : b.states) fmt::print("     {}\n", describe(s));
      fmt::print("   held by {} treat{}:\n", b.treaties.size(), b.treaties.size() == 1 ? "y" : "ies");
      for (const auto& t : b.treaties) {
        std::string signed_at = prop_text(t.props, "signed");
        fmt::print("     {}  {}{}\n", describe(t), describe_in_force(t), signed_at.empty() ? "" : "; signed " + signed_at);
      }
    }
    return kOk;
  };
}

}  // namespace entente::cli
