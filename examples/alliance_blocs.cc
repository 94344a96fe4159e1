// Tutorial step 5: run a stock Boost.Graph algorithm on the database. A GraphView is the
// stored graph as Boost.Graph sees it, read in place from memory through a filter: here
// the State and Treaty nodes that hold on one date and the PARTY_TO edges in force between
// them, each walked both ways. Its connected components are the groups of states bound
// together by treaties in force. We compute them with boost::connected_components and
// compare them with entente::blocs(), which joins states only through treaties carrying a
// defense obligation.
//
//   alliance_blocs DB_DIR [DATA_FILE...] [--at DATE]...
//
// DATA_FILEs (e.g. data/putin-visits-2024.jsonl) are imported first when given. Default
// dates: 2010-01-01 and 2024-12-31.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/graph/connected_components.hpp>
#include <boost/range/iterator_range.hpp>

#include <entente/entente.h>

using namespace entente;

namespace {

// "CHN PRK RUS.": the states' keys, sorted, ended by a full stop.
std::string line_of(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : " ") + k;
  return out + ".";
}

// The blocs as Boost.Graph sees them: every component of the view holding two states or
// more, printed with the treaties in it; returned as sorted lines of state keys.
std::vector<std::string> bgl_blocs(const Reader& snap, Date at) {
  ProjectionSpec spec{.node_types = {"State", "Treaty"}, .edge_types = {"PARTY_TO"}, .at = at};
  GraphView g = GraphView::of(snap, spec);
  std::printf("  view: %zu vertices, %zu arcs\n", g.vertex_count(), g.arc_count());

  // The stock algorithm, on the graph as it is: one component number per vertex. A vertex
  // is a node id, so the map is indexed by node id (num_vertices is past the highest).
  std::vector<std::uint32_t> component(num_vertices(g));
  auto count = boost::connected_components(g, component.data());

  // Read each vertex's node back to tell states from treaties.
  struct Group {
    std::vector<std::string> states;    // keys
    std::vector<std::string> treaties;  // names
  };
  std::vector<Group> groups(count);
  for (GraphView::Vertex v : boost::make_iterator_range(vertices(g))) {
    auto node = snap.node(v);
    if (!node) continue;
    Group& g = groups[component[v]];
    if (node->type == "State") {
      g.states.push_back(node->key);
    } else {
      g.treaties.push_back(node->name);
    }
  }
  std::vector<std::string> lines;
  for (const Group& g : groups) {
    if (g.states.size() < 2) continue;  // a state with no treaty partner is no bloc
    lines.push_back(line_of(g.states));
    std::printf("  connected_components: %s\n", lines.back().c_str());
    for (const auto& t : g.treaties) std::printf("    held by %s\n", t.c_str());
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

// The same question put to entente: blocs of states allied by defense obligations.
std::vector<std::string> entente_blocs(const Reader& snap, Date at) {
  std::vector<std::string> lines;
  for (const Bloc& bloc : blocs(snap, at)) {
    std::vector<std::string> keys;
    for (const Node& n : bloc.states) keys.push_back(n.key);
    lines.push_back(line_of(keys));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: alliance_blocs DB_DIR [DATA_FILE...] [--at DATE]...\n");
    return 2;
  }
  std::vector<std::string> dates;
  std::vector<std::filesystem::path> files;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--at" && i + 1 < argc) {
      dates.push_back(argv[++i]);
    } else {
      files.emplace_back(arg);
    }
  }
  if (dates.empty()) dates = {"2010-01-01", "2024-12-31"};

  try {
    auto db = Database::open(argv[1]);
    if (!files.empty()) import_files(*db, files);
    auto snap = db->snapshot();
    for (const auto& day : dates) {
      Date at = Date::parse(day);
      std::printf("on %s\n", at.str().c_str());
      auto by_bgl = bgl_blocs(*snap, at);
      auto by_entente = entente_blocs(*snap, at);
      for (const auto& l : by_entente) std::printf("  entente::blocs: %s\n", l.c_str());
      if (by_bgl == by_entente) {
        std::printf("  the two agree\n");
      } else {
        // The view joins states through any treaty in force; blocs() only through
        // those carrying a defense obligation (for at least one of the two members).
        std::printf("  they differ: a treaty in force without a defense obligation joins states in the view\n");
      }
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "alliance_blocs: %s\n", e.what());
    return 1;
  }
  return 0;
}
