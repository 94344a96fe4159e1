// ATOP v4 member-level file (atop): one row per member spell of an alliance, with the
// member's own obligations. docs/import.md describes the mapping.
#include <set>
#include <tuple>

#include "common/error.h"
#include "io/importer.h"

namespace entente::io {
namespace {

// ATOP's codes for members COW does not list, and the crosswalk keys they stand for.
const Country* atop_member(const Crosswalk& cw, std::int64_t code) {
  switch (code) {
    case 8152:  // Annam (Dai Nam), party to ATOP's 1874 treaty with France
      return cw.by_key("ANN");
    default:
      return nullptr;
  }
}

}  // namespace

void read_atop(ImportContext& ctx, std::istream& in) {
  const TableLayout layout{.required = {"atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit",
                                        "defense", "offense", "neutral", "nonagg", "consul"}};
  // The PARTY_TO identities written so far (treaty, state, valid-from, key): a second row of
  // one member of one alliance with the same entry date (ATOP codes the phases of an
  // alliance as rows) is a distinct edge, keyed by its phase (or its position).
  std::set<std::tuple<std::string, std::string, std::uint32_t, std::string>> written;

  NodeInput doc;
  doc.type = "Document";
  doc.key = "atop-4.01";
  doc.name = "Alliance Treaty Obligations and Provisions (ATOP), version 4.01";
  doc.props["author"] = "Leeds, Brett Ashley, et al.";
  doc.props["series"] = "International Interactions 28 (2002): 237-260";
  ctx.ensure_document(doc);

  read_table(ctx, in, layout, [&](const TableRecord& row) {
    auto id = row.required_integer("atopid");
    auto member = row.required_integer("member");
    auto start = row.date("yrent", "moent", "dayent");
    if (!start) throw invalid("column 'yrent' is blank");
    // yrexit 0: still in force at the end of the data.
    auto exit_year = row.integer("yrexit");
    std::optional<Date> to;
    if (exit_year && *exit_year != 0) to = day_after(*row.date("yrexit", "moexit", "dayexit"));
    if (to && !before(*start, *to)) throw invalid("the membership ends before it starts ({})", start->str());
    std::vector<std::string> obligations;
    auto flag = [&](const char* column, const char* name) {
      auto v = row.integer(column);
      if (v && *v < 0) throw invalid("column '{}': {} is not a flag", column, *v);
      // ATOP codes some obligations 1, 2 or 3 (conditions); any positive value is one.
      if (v && *v > 0) obligations.emplace_back(name);
    };
    flag("defense", "defense");
    flag("offense", "offense");
    flag("neutral", "neutrality");
    flag("nonagg", "non_aggression");
    flag("consul", "consultation");
    Citation cite{"atop-4.01", fmt::format("atopid {}", id), ""};

    NodeInput treaty;
    treaty.type = "Treaty";
    treaty.key = fmt::format("atop-{}", id);
    treaty.name = fmt::format("ATOP alliance {}", id);
    treaty.props["atop_id"] = id;
    if (auto cow = row.integer("cow4id"); cow && *cow > 0) treaty.props["cow_id"] = *cow;
    treaty.props["obligations"] = unite_obligations(ctx.txn(), {"Treaty", treaty.key}, obligations);
    // In force from the earliest member's entry to the latest member's exit.
    treaty.valid = Interval{start, to};
    treaty.sources = {cite};
    ctx.merge_node(treaty, ImportContext::Validity::kHull);

    auto pieces = ctx.countries().split_cow(member, *start, to);
    if (pieces.empty()) {
      if (const auto* own = atop_member(ctx.countries(), member)) pieces.push_back({own, *start, to});
    }
    if (pieces.empty()) {
      throw not_found("member {} on {} is not in the country crosswalk (data/countries.csv)", member, start->str());
    }
    warn_uncovered(ctx, row.line(), fmt::format("member {}", member), pieces, *start, to);
    for (const auto& p : pieces) {
      EdgeInput party = party_to(ctx, p, treaty.key, obligations, cite);
      // No key, else the phase, else the line: a line is one row, so the last is free.
      std::string phase = row.text("phase");
      for (std::string key :
           {std::string(), phase.empty() ? std::string() : "phase-" + phase, fmt::format("row-{}", row.line())}) {
        party.key = std::move(key);
        if (written.insert({treaty.key, party.from.key, p.from.ymd(), party.key}).second) break;
      }
      ctx.merge_edge(party);
    }
  });
}

}  // namespace entente::io
