#include "io/coded_events.h"

#include "common/error.h"
#include "common/text.h"
#include "io/names.h"

namespace entente::io {
namespace {

std::string actor_label(const CodedActor& a) { return a.name.empty() ? "(unnamed actor)" : a.name; }

std::string state_name(ImportContext& ctx, const Country& c) {
  const Country* named = ctx.countries().by_key(c.key);
  return named && !named->name.empty() ? named->name : c.name;
}

// Writes the node, or, when it exists, adds only the properties it lacks and the citations
// (so that several reports of one visit keep the first report's city and summary, and an
// import again changes nothing).
void merge_keeping(ImportContext& ctx, NodeInput in) {
  if (auto existing = ctx.txn().node(NodeRef{in.type, in.key})) {
    Props props = Props::object();
    for (auto it = in.props.begin(); it != in.props.end(); ++it) {
      if (!existing->props.has(it.key())) props[it.key()] = it.value();
    }
    in.props = std::move(props);
    in.name.clear();
  }
  ctx.merge_node(std::move(in), ImportContext::Validity::kKeepExisting);
}

void write_visit(ImportContext& ctx, const CodedEvent& e, const CodedActor& visitor, const Country& host) {
  NodeRef host_ref = ctx.ensure_state(host);
  NodeInput visit;
  visit.type = "Visit";
  if (e.merge_visit_reports) {
    std::string who = slug(visitor.name);
    if (who.empty()) who = "unnamed";
    visit.key = fmt::format("{}-{}-{}-{}", e.prefix, e.date.str(), host.key, who);
  } else {
    visit.key = fmt::format("{}-{}", e.prefix, e.id);
  }
  visit.props["start"] = e.date.str();
  if (!e.city.empty()) visit.props["city"] = e.city;
  visit.props["kind"] = "visit";
  // "Shinzo Abe (Japan) visits Canada"; not when the name says it already ("Foreign Affairs
  // (Russia)", "CHINA").
  std::string from;
  if (visitor.country) {
    std::string state = state_name(ctx, *visitor.country);
    const Country* named = ctx.countries().by_name(visitor.name);
    bool says = visitor.name.find('(') != std::string::npos || text::fold(visitor.name) == text::fold(state) ||
                (named && named->key == visitor.country->key);
    if (!says) from = fmt::format(" ({})", state);
  }
  visit.props["summary"] = fmt::format("{}{} visits {} (CAMEO {})", actor_label(visitor), from, state_name(ctx, host), e.cameo);
  visit.sources = {e.cite};
  merge_keeping(ctx, visit);

  EdgeInput h;
  h.type = "HOST";
  h.from = NodeRef{"Visit", visit.key};
  h.to = host_ref;
  if (!e.city.empty()) h.props["city"] = e.city;
  h.sources = {e.cite};
  if (auto existing = ctx.txn().edge(h)) {
    // The first report's city stays.
    if (existing->props.has("city")) h.props.erase("city");
  }
  ctx.merge_edge(h);

  if (visitor.person) {
    EdgeInput v;
    v.type = "VISITOR";
    v.from = NodeRef{"Visit", visit.key};
    v.to = ensure_person(ctx, e.prefix, visitor.name, e.cite);
    v.sources = {e.cite};
    ctx.merge_edge(v);
  }
}

void write_agreement(ImportContext& ctx, const CodedEvent& e) {
  std::vector<const Country*> parties;
  for (const auto* a : {&e.actor1, &e.actor2}) {
    if (!a->country) continue;
    if (!parties.empty() && parties.front()->key == a->country->key) continue;
    parties.push_back(a->country);
  }
  // No state, or one state with itself (a government signing with one of its own bodies):
  // no agreement between states.
  bool domestic = e.actor1.country && e.actor2.country && e.actor1.country->key == e.actor2.country->key;
  if (parties.empty() || domestic) return;
  NodeInput a;
  a.type = "Agreement";
  a.key = fmt::format("{}-{}", e.prefix, e.id);
  a.name = fmt::format("Agreement of {} and {}, {}", actor_label(e.actor1), actor_label(e.actor2), e.date.str());
  a.props["signed"] = e.date.str();
  a.props["summary"] = e.summary;
  if (!e.place.empty()) a.props["place"] = e.place;
  a.sources = {e.cite};
  ctx.merge_node(a, ImportContext::Validity::kKeepExisting);
  for (const auto* c : parties) {
    EdgeInput p;
    p.type = "PARTY_TO";
    p.from = ctx.ensure_state(*c);
    p.to = NodeRef{"Agreement", a.key};
    p.props["signed"] = e.date.str();
    p.sources = {e.cite};
    ctx.merge_edge(p);
  }
}

}  // namespace

NodeRef ensure_person(ImportContext& ctx, std::string_view prefix, const std::string& name, const Citation& cite) {
  std::string folded = text::fold(name);
  if (folded.find(' ') != std::string::npos) {
    std::optional<NodeRef> found;
    int count = 0;
    for (const auto& n : ctx.txn().find(name)) {
      if (n.type != "Person") continue;
      found = n.ref();
      ++count;
    }
    if (count == 1) return *found;
  }
  // The key from the name as matched across spellings (diacritics, "ibn"/"bin"): "Sebastián
  // Piñera" and "Sebastian Pinera" are one person.
  std::string s = slug(match_name(name));
  if (s.empty()) throw invalid("person name '{}' has no letter or digit to make a key of", name.substr(0, 80));
  NodeRef ref{"Person", fmt::format("{}-{}", prefix, s)};
  if (!ctx.txn().node(ref)) {
    NodeInput p;
    p.type = ref.type;
    p.key = ref.key;
    p.name = name;
    p.sources = {cite};
    ctx.txn().put_node(p);
  }
  return ref;
}

void write_coded_event(ImportContext& ctx, const CodedEvent& e) {
  NodeInput ev;
  ev.type = "Event";
  ev.key = fmt::format("{}-{}", e.prefix, e.id);
  ev.name = e.summary;
  ev.props["date"] = e.date.str();
  ev.props["cameo"] = e.cameo;
  if (e.goldstein) ev.props["goldstein"] = *e.goldstein;
  if (!e.place.empty()) ev.props["place"] = e.place;
  ev.props["summary"] = e.summary;
  ev.sources = {e.cite};
  ctx.merge_node(ev);

  for (const auto& [actor, role] : {std::pair{&e.actor1, "actor1"}, std::pair{&e.actor2, "actor2"}}) {
    if (!actor->country) continue;
    EdgeInput inv;
    inv.type = "INVOLVES";
    inv.from = NodeRef{"Event", ev.key};
    inv.to = ctx.ensure_state(*actor->country);
    // Keyed by role: both actors may be of one state.
    inv.key = role;
    inv.props["role"] = role;
    inv.sources = {e.cite};
    ctx.merge_edge(inv);
  }

  if (e.cameo == "042" || e.cameo == "043") {
    // 042: actor1 makes a visit to actor2; 043: actor1 hosts a visit by actor2.
    const CodedActor& visitor = e.cameo == "042" ? e.actor1 : e.actor2;
    const CodedActor& host = e.cameo == "042" ? e.actor2 : e.actor1;
    // A visit needs a host state, and a visitor from elsewhere (a trip at home is no visit).
    bool at_home = visitor.country && host.country && visitor.country->key == host.country->key;
    if (host.country && !at_home) write_visit(ctx, e, visitor, *host.country);
  } else if (e.cameo == "057") {
    write_agreement(ctx, e);
  }
}

}  // namespace entente::io
