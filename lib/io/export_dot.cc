// Graphviz DOT: the (filtered) graph, an ego network, the alliance blocs.
#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include "common/error.h"
#include "entente/questions.h"
#include "io/export_util.h"

namespace entente {
namespace {

struct Cluster {
  std::string label;
  std::vector<NodeId> members;
};

struct DotGraph {
  std::string title;                    // shown on top; none when empty
  std::vector<std::string> attributes;  // graph attributes, e.g. "rankdir=LR"
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::vector<Cluster> clusters;  // nodes not in one are drawn outside
  std::optional<NodeId> focus;    // drawn bold, with a double border
  bool legend = false;            // under the title, the colour of each node type drawn
  bool merge_parallel = false;    // draw edges of one type between two nodes once, "TYPE x3"
};

// Text for a Graphviz HTML-like label.
std::string html(std::string_view text) {
  std::string out = io::xml(text);
  std::string clean;
  for (char c : out) clean += c == '\n' ? ' ' : c;
  return clean;
}

// The fill colour of a node type, from its DOT style.
std::string fill_of(const std::string& type) {
  std::string style = io::dot_node_style(type);
  auto at = style.find("fillcolor=\"");
  return at == std::string::npos ? "#ffffff" : style.substr(at + 11, 7);
}

// The title with, under it, a legend of the node types (an HTML-like graph label, which
// every layout engine places, unlike a cluster).
std::string title_with_legend(const std::string& title, const std::set<std::string>& types) {
  std::string out = "<<table border=\"0\"><tr><td><font point-size=\"16\">" + html(title) +
                    "</font></td></tr><tr><td><table border=\"0\" cellspacing=\"4\"><tr>";
  for (const auto& t : types) {
    // A fixed size: Graphviz would otherwise stretch the legend to the title's width.
    out += fmt::format(
        "<td border=\"1\" bgcolor=\"{}\" fixedsize=\"true\" width=\"{}\" height=\"16\">"
        "<font point-size=\"9\">{}</font></td>",
        fill_of(t), 14 + 6 * t.size(), html(t));
  }
  return out + "</tr></table></td></tr></table>>";
}


std::string node_statement(const Node& n, bool focus) {
  std::string label = io::wrap(io::display_name(n), 28);
  std::string out = fmt::format("{} [label={}, tooltip={}, {}", io::dot_quoted(n.ref().str()), io::dot_quoted(label),
                                io::dot_quoted(n.ref().str() + (n.valid ? " " + n.valid->str() : "")), io::dot_node_style(n.type));
  if (focus) out += ", penwidth=2.5, peripheries=2, fontname=\"Helvetica-Bold\"";
  return out + "];";
}

// An edge, standing for `times` parallel edges of its type (its own validity in the tooltip
// when it is one).
std::string edge_statement(const Edge& e, std::size_t times) {
  std::string tip = e.from_ref.str() + " -" + e.type + "-> " + e.to_ref.str();
  if (times == 1 && e.valid) tip += " " + e.valid->str();
  std::string label = times == 1 ? e.type : fmt::format("{} x{}", e.type, times);
  if (times > 1) tip += fmt::format(" ({} edges)", times);
  return fmt::format("{} -> {} [label={}, tooltip={}];", io::dot_quoted(e.from_ref.str()), io::dot_quoted(e.to_ref.str()), io::dot_quoted(label), io::dot_quoted(tip));
}

void write_dot(std::ostream& out, const DotGraph& g) {
  out << "digraph entente {\n";
  for (const auto& a : g.attributes) out << "  " << a << ";\n";
  if (g.legend && !g.nodes.empty()) {
    std::set<std::string> types;
    for (const auto& n : g.nodes) types.insert(n.type);
    out << "  label=" << title_with_legend(g.title, types) << "; labelloc=t;\n";
  } else if (!g.title.empty()) {
    out << "  label=" << io::dot_quoted(g.title) << "; labelloc=t; fontsize=16;\n";
  }
  out << "  node [fontname=\"Helvetica\", fontsize=10];\n"
         "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\", fontcolor=\"#333333\"];\n";
  std::unordered_map<NodeId, const Node*> by_id;
  for (const auto& n : g.nodes) by_id.emplace(n.id, &n);
  std::set<NodeId> clustered;
  int number = 0;
  for (const auto& c : g.clusters) {
    out << "  subgraph cluster_" << ++number << " {\n    label=" << io::dot_quoted(c.label)
        << "; style=\"rounded,filled\"; fillcolor=\"#f7f7f7\"; color=\"#999999\"; fontsize=12;\n";
    for (NodeId id : c.members) {
      auto it = by_id.find(id);
      if (it == by_id.end() || !clustered.insert(id).second) continue;
      out << "    " << node_statement(*it->second, g.focus == id) << "\n";
    }
    out << "  }\n";
  }
  for (const auto& n : g.nodes) {
    if (!clustered.count(n.id)) out << "  " << node_statement(n, g.focus == n.id) << "\n";
  }
  if (!g.merge_parallel) {
    for (const auto& e : g.edges) out << "  " << edge_statement(e, 1) << "\n";
  } else {
    // Parallel edges of one type, in one direction, drawn once with their number.
    std::map<std::tuple<NodeId, NodeId, std::string>, std::size_t> count;
    for (const auto& e : g.edges) ++count[{e.from, e.to, e.type}];
    for (const auto& e : g.edges) {
      auto it = count.find({e.from, e.to, e.type});
      if (it->second == 0) continue;
      out << "  " << edge_statement(e, it->second) << "\n";
      it->second = 0;
    }
  }
  out << "}\n";
}

}  // namespace

void export_dot(const Reader& reader, std::ostream& out, const ExportOptions& options) {
  io::Subgraph sub = io::collect(reader, options);
  DotGraph g;
  g.attributes = {"rankdir=LR", "overlap=false"};
  g.nodes = std::move(sub.nodes);
  g.edges = std::move(sub.edges);
  write_dot(out, g);
  if (!out) throw Error(ErrorKind::kIO, "DOT: write failed");
}

std::string dot_neighborhood(const Reader& reader, std::string_view start, int hops, std::optional<Date> at,
                             const Limits& limits) {
  Node origin = reader.resolve(start);
  DotGraph g;
  for (auto& r : neighborhood(reader, origin.ref().str(), hops, at, limits)) g.nodes.push_back(std::move(r.node));
  g.edges = io::edges_between(reader, g.nodes, at);
  g.focus = origin.id;
  g.legend = true;
  g.merge_parallel = true;
  g.title = fmt::format("{}: within {} hop{}{}", io::display_name(origin), hops, hops == 1 ? "" : "s",
                        at ? " on " + at->str() : "");
  g.attributes = {"layout=neato", "overlap=false", "splines=true", "sep=\"+12\"", "outputorder=edgesfirst"};
  std::ostringstream out;
  write_dot(out, g);
  return out.str();
}

std::string dot_blocs(const Reader& reader, Date at, const std::vector<std::string>& obligations,
                      const Limits& limits) {
  auto found = blocs(reader, at, obligations, limits);
  DotGraph g;
  g.title = fmt::format("Alliance blocs on {} ({}): {}", at.str(), fmt::join(obligations, ", "),
                        found.empty() ? std::string("none") : std::to_string(found.size()));
  g.attributes = {"rankdir=TB", "newrank=true", "compound=true"};
  std::set<NodeId> seen;
  int number = 0;
  for (const auto& b : found) {
    Cluster c;
    c.label = fmt::format("Bloc {}: {} state{}, {} treat{}", ++number, b.states.size(), b.states.size() == 1 ? "" : "s",
                          b.treaties.size(), b.treaties.size() == 1 ? "y" : "ies");
    for (const auto* list : {&b.states, &b.treaties}) {
      for (const auto& n : *list) {
        c.members.push_back(n.id);
        if (seen.insert(n.id).second) g.nodes.push_back(n);
      }
    }
    g.clusters.push_back(std::move(c));
  }
  // The PARTY_TO edges in force on the day between the blocs' states and treaties.
  for (auto& e : io::edges_between(reader, g.nodes, at)) {
    if (e.type == "PARTY_TO") g.edges.push_back(std::move(e));
  }
  g.legend = !g.nodes.empty();
  g.merge_parallel = true;
  std::ostringstream out;
  write_dot(out, g);
  return out.str();
}

}  // namespace entente
