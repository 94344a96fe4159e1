// Tutorial step 2: open the bundled dataset (data/), built from the PISM brief
// "Putin's Visits to North Korea and Vietnam" (2024), and print the 2024 treaty's
// parties and articles and Putin's visits, each with its source.
//
//   brief DB_DIR [DATA_FILE...]   imports the data files first when given
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <entente/entente.h>

int main(int argc, char** argv) {
  using namespace entente;
  if (argc < 2) {
    std::fprintf(stderr, "usage: brief DB_DIR [DATA_FILE...]\n");
    return 2;
  }
  try {
    auto db = Database::open(argv[1]);
    if (argc > 2) import_files(*db, std::vector<std::filesystem::path>(argv + 2, argv + argc));
    auto snap = db->snapshot();

    // The treaty, its properties (read from the record: typed getters, and JSON for the
    // list of articles) and its parties.
    Node treaty = snap->resolve("Treaty:rus-prk-2024");
    std::printf("%s\n  signed %s, in force %s\n", treaty.name.c_str(),
                treaty.props.date("signed")->str().c_str(), treaty.valid ? treaty.valid->str().c_str() : "never");
    for (const auto& p : snap->neighbors(treaty.id, {.edge_types = {"PARTY_TO"}, .direction = Direction::kIn})) {
      std::printf("  party: %s\n", p.node.name.c_str());
    }
    for (const auto& a : treaty.props.json("articles")) {
      std::printf("  Article %s: %s\n", a["number"].get<std::string>().c_str(), a["summary"].get<std::string>().c_str());
    }
    std::vector<std::string> cited;  // each document and place once
    for (const auto& s : treaty.sources) {
      std::string where = s.doc + (s.locator.empty() ? "" : ", " + s.locator);
      if (std::find(cited.begin(), cited.end(), where) == cited.end()) cited.push_back(where);
    }
    for (const auto& c : cited) std::printf("  source: %s\n", c.c_str());

    // Putin's visits: Visit nodes whose VISITOR edge points at him; each has a HOST.
    Node putin = snap->resolve("Person:putin");
    struct Row {
      std::string start, end, host, city;
    };
    std::vector<Row> rows;
    for (const auto& v : snap->neighbors(putin.id, {.edge_types = {"VISITOR"}, .direction = Direction::kIn})) {
      auto hosts = snap->neighbors(v.node.id, {.edge_types = {"HOST"}, .direction = Direction::kOut});
      Row r{v.node.props.text("start").value_or(""), v.node.props.text("end").value_or(""), "?", v.node.props.text("city").value_or("")};
      if (!hosts.empty()) r.host = hosts.front().node.name;
      rows.push_back(r);
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.start < b.start; });
    std::printf("\nPutin's visits (%zu):\n", rows.size());
    for (const auto& r : rows) {
      std::printf("  %s .. %-10s  %s, %s\n", r.start.c_str(), r.end.c_str(), r.host.c_str(), r.city.c_str());
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "brief: %s\n", e.what());
    return 1;
  }
  return 0;
}
