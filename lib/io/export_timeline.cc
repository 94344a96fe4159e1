// A person's visits on a horizontal time axis, as DOT with pinned positions (neato), so that
// Graphviz draws it to SVG, PNG or PDF alike.
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "common/error.h"
#include "entente/questions.h"
#include "io/export_util.h"

namespace entente {
namespace {

constexpr double kMinGap = 120;    // points between two marks, at least
constexpr double kMinWidth = 900;  // points the span of the visits takes, at least
constexpr double kMargin = 70;     // axis beyond the first and last marks


Date start_of(const VisitInfo& v) { return Date::parse(v.visit.props.text("start").value()); }

// "2024-06-19", "2024-06-19 to 2024-06-20" when the end is another day.
std::string when(const VisitInfo& v) {
  std::string s = v.visit.props.text("start").value();
  auto end = v.visit.props.text("end");
  if (end && *end != s) return s + " to " + *end;
  return s;
}

// Where day d falls on the axis: between the marks around it, in proportion (the marks may
// have been pushed apart, so the axis is piecewise linear), else at the scale past the ends.
double x_of(std::int64_t d, const std::vector<std::int64_t>& days, const std::vector<double>& xs, double scale) {
  if (d <= days.front()) return xs.front() - static_cast<double>(days.front() - d) * scale;
  if (d >= days.back()) return xs.back() + static_cast<double>(d - days.back()) * scale;
  for (std::size_t i = 1; i < days.size(); ++i) {
    if (d > days[i]) continue;
    double f = static_cast<double>(d - days[i - 1]) / static_cast<double>(days[i] - days[i - 1]);
    return xs[i - 1] + f * (xs[i] - xs[i - 1]);
  }
  return xs.back();
}

}  // namespace

std::string dot_timeline(const Reader& reader, std::string_view visitor) {
  Node person = reader.resolve(visitor);
  if (person.type != "Person") throw invalid("timeline: {} is a {}, not a Person", person.ref().str(), person.type);
  auto found = visits(reader, {person.ref().str(), "", std::nullopt, std::nullopt, ""});
  std::ostringstream out;
  out << "digraph timeline {\n"
         "  layout=neato; inputscale=72; splines=line; outputorder=edgesfirst; pad=0.3;\n"
         "  node [fontname=\"Helvetica\", fontsize=10];\n"
         "  edge [arrowhead=none, color=\"#888888\"];\n";
  std::string title = fmt::format("Visits by {}", io::display_name(person));
  if (found.empty()) {
    out << "  label=" << io::dot_quoted(title + ": none recorded") << "; labelloc=t; fontsize=16;\n"
        << "  empty [shape=plaintext, label=\"\", pos=\"0,0!\"];\n}\n";
    return out.str();
  }
  std::vector<std::int64_t> days;
  for (const auto& v : found) days.push_back(start_of(v).days());
  int first_year = start_of(found.front()).year(), last_year = start_of(found.back()).year();
  title += fmt::format(", {}{}: {} visit{}", first_year, last_year != first_year ? fmt::format("-{}", last_year) : "",
                       found.size(), found.size() == 1 ? "" : "s");
  out << "  label=" << io::dot_quoted(title) << "; labelloc=t; fontsize=16;\n";

  // Proportional positions, pushed apart where marks would crowd.
  double span = static_cast<double>(std::max<std::int64_t>(days.back() - days.front(), 365));
  double scale = std::max(kMinWidth, static_cast<double>(found.size()) * kMinGap) / span;
  std::vector<double> xs;
  for (std::size_t i = 0; i < days.size(); ++i) {
    double x = static_cast<double>(days[i] - days.front()) * scale;
    if (i > 0) x = std::max(x, xs.back() + kMinGap);
    xs.push_back(x);
  }
  double left = xs.front() - kMargin, right = xs.back() + kMargin;
  out << fmt::format("  axis_start [shape=point, width=0.01, pos=\"{:.1f},0!\"];\n", left)
      << fmt::format("  axis_end [shape=point, width=0.01, pos=\"{:.1f},0!\"];\n", right)
      << "  axis_start -> axis_end [arrowhead=normal, color=\"#333333\", penwidth=1.5];\n";

  // Year ticks below the axis, every 1, 2, 5, ... years so that they stay apart.
  int step = 1;
  for (int s : {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}) {
    step = s;
    if (365.2425 * s * scale >= 45) break;
  }
  for (int y = first_year - first_year % step; y <= last_year + 1; y += step) {
    if (y < 1 || y > 9999) continue;  // beyond the dates entente knows
    double x = x_of(Date(y, 1, 1).days(), days, xs, scale);
    if (x < left || x > right) continue;
    out << fmt::format("  tick_{0} [shape=point, width=0.04, color=\"#333333\", pos=\"{1:.1f},0!\"];\n", y, x)
        << fmt::format(
               "  year_{0} [shape=plaintext, fontsize=9, fontcolor=\"#555555\", label=\"{0}\", "
               "pos=\"{1:.1f},-16!\"];\n",
               y, x);
  }

  // A numbered mark for each visit, coloured by host, and its label above (two rows, alternating).
  static const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                         "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
  std::map<NodeId, std::size_t> host_colour;
  for (std::size_t i = 0; i < found.size(); ++i) {
    const auto& v = found[i];
    auto c = host_colour.emplace(v.host.id, host_colour.size()).first->second % 8;
    std::string host = v.host.id ? io::short_name(v.host) : "unknown host";
    std::string nth = v.number > 0 ? ordinal(v.number) + " visit there" : "";
    double y = i % 2 == 0 ? 48 : 100;
    out << fmt::format(
               "  mark_{0} [shape=circle, fixedsize=true, width=0.32, style=filled, fillcolor=\"{1}\", "
               "fontcolor=white, fontsize=9, label=\"{0}\", tooltip={2}, pos=\"{3:.1f},0!\"];\n",
               i + 1, kColours[c], io::dot_quoted(v.visit.ref().str() + ": " + io::display_name(v.visit)), xs[i])
        << fmt::format("  label_{0} [shape=plaintext, label={1}, pos=\"{2:.1f},{3:.0f}!\"];\n", i + 1,
                       io::dot_quoted(when(v) + "\n" + host + (nth.empty() ? "" : "\n" + nth)), xs[i], y)
        << fmt::format("  mark_{0} -> label_{0} [style=dashed];\n", i + 1);
  }
  out << "}\n";
  return out.str();
}

}  // namespace entente
