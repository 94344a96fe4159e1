// Salvage: what can still be read of a damaged database, copied into a new one. The damaged
// directory is never opened in place: its files are copied first, and only the copy is
// opened (leniently) or rebuilt by RocksDB's repair.
#include <unistd.h>

#include <algorithm>
#include <set>

#include <rocksdb/db.h>

#include "common/coding.h"
#include "common/error.h"
#include "entente/database.h"
#include "graph/records.h"
#include "graph/state.h"
#include "storage/files.h"
#include "storage/keys.h"

namespace entente {

using storage::Cf;
namespace fs = std::filesystem;

namespace {

// Every entry of a column family of 8-byte id keys that can be read. A damaged block stops
// an iterator; the scan then seeks ever further past the last id it read until it reads
// again, and notes the ids it could not reach.
void scan_ids(const storage::View& view, Cf cf, const char* what, std::vector<std::string>& notes,
              const std::function<void(std::uint64_t, std::string_view)>& visit) {
  std::uint64_t next = 0;  // the first id not yet read
  for (;;) {
    try {
      view.scan_from(cf, keys::id(next), [&](std::string_view k, std::string_view v) {
        if (k.size() != 8) return true;
        std::uint64_t id = coding::get_u64(k.data());
        visit(id, v);
        next = id + 1;
        return true;
      });
      return;  // read to the end
    } catch (const Error&) {
    }
    // Skip ahead: 1, 2, 4, ... ids past the last one read, until an entry reads again.
    const std::uint64_t from = next;
    bool resumed = false;
    for (int shift = 0; shift < 63 && !resumed; ++shift) {
      std::uint64_t probe = from + (std::uint64_t{1} << shift);
      bool found = false;
      try {
        view.scan_from(cf, keys::id(probe), [&](std::string_view k, std::string_view) {
          if (k.size() == 8) found = true;
          return false;
        });
      } catch (const Error&) {
        continue;  // still inside the damage
      }
      if (!found) break;  // nothing readable after the damage
      notes.push_back(fmt::format("{} with ids from {} to below {} could not be read (a damaged table block)", what,
                                  from, probe));
      next = probe;
      resumed = true;
    }
    if (!resumed) {
      notes.push_back(fmt::format("{} from id {} on could not be read (a damaged table block)", what, from));
      return;
    }
  }
}

}  // namespace

SalvageReport Database::salvage(const fs::path& damaged, const fs::path& to) {
  auto target = storage::files::inspect(to).kind;
  if (target != storage::files::DirKind::kAbsent && target != storage::files::DirKind::kEmpty) {
    throw invalid("{} already exists; salvage writes into a new (or empty) directory", to.string());
  }
  auto source = storage::files::inspect(damaged);
  if (source.kind != storage::files::DirKind::kDatabase && source.kind != storage::files::DirKind::kNoCurrent) {
    throw not_found("no database at {} to salvage", damaged.string());
  }
  SalvageReport report;
  auto& notes = report.notes;

  // 1. A private copy of the damaged files: nothing below touches the original.
  storage::files::ScratchDir work(storage::files::sibling(to, "salvage"));
  std::error_code ec;
  fs::remove_all(work.path(), ec);
  fs::create_directories(work.path(), ec);
  if (ec) throw io_error("creating {}: {}", work.path().string(), ec.message());
  for (fs::directory_iterator it(damaged, ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (!it->is_regular_file() || n == "LOCK" || n.rfind("LOG", 0) == 0) continue;
    storage::files::copy_file(it->path(), work.path() / n);
  }
  if (ec) throw io_error("reading {}: {}", damaged.string(), ec.message());
  auto ack = storage::files::read_ack(damaged);

  // 2. Open the copy: the logs replayed up to their first damage; failing that, RocksDB's
  // repair rebuilds the MANIFEST from the table files (and turns the logs into tables).
  storage::StoreOptions so;
  so.read_only = true;
  so.create_if_missing = false;
  so.salvage = true;
  std::unique_ptr<storage::Store> store;
  std::string why;  // why the MANIFEST is rebuilt
  try {
    store = storage::Store::open(work.path(), so);
    // Table files the MANIFEST does not name, or a sequence below the acknowledged one: the
    // MANIFEST lost records, and the tables hold what it forgot.
    std::set<std::string> live;
    for (const auto& t : store->table_files()) live.insert(t.name);
    std::vector<std::string> orphans;
    for (fs::directory_iterator it(work.path(), ec), end; !ec && it != end; it.increment(ec)) {
      std::string n = it->path().filename().string();
      if (n.size() > 4 && n.substr(n.size() - 4) == ".sst" && !live.count(n)) orphans.push_back(n);
    }
    if (!orphans.empty()) {
      std::sort(orphans.begin(), orphans.end());
      why = fmt::format("its MANIFEST does not name the table files {}", fmt::join(orphans, ", "));
    } else if (ack.state == storage::files::AckState::kRead && store->sequence() < ack.ack.sequence) {
      why = fmt::format("it acknowledged commits up to sequence number {} but opens at {}", ack.ack.sequence,
                        store->sequence());
    }
  } catch (const Error& e) {
    why = fmt::format("it does not open as it is ({})", e.what());
  }
  if (!why.empty()) {
    store.reset();
    notes.push_back(fmt::format("{}: rebuilt its MANIFEST from the table files and logs with RocksDB's repair "
                                "(unreadable table files are left out; records deleted long ago may reappear)",
                                why));
    storage::repair_files(work.path());
    store = storage::Store::open(work.path(), so);
  }
  // (A rebuilt MANIFEST numbers the records afresh: then only the counts below tell.)
  if (why.empty() && ack.state == storage::files::AckState::kRead && store->sequence() < ack.ack.sequence) {
    notes.push_back(fmt::format("the database acknowledged commits up to sequence number {}; what could be read "
                                "reaches {}: the newest commits are lost",
                                ack.ack.sequence, store->sequence()));
  }
  auto view = store->snapshot();

  // 3. The catalog (user types included) and the counts the commits kept.
  std::shared_ptr<const catalog::Catalog> cat;
  try {
    auto bytes = view->get(Cf::kMeta, keys::kCatalog);
    if (!bytes) throw corruption("the catalog is missing");
    cat = catalog::Catalog::deserialize(*bytes)->upgraded(*catalog::Catalog::builtin());
  } catch (const Error& e) {
    notes.push_back(fmt::format("the catalog cannot be read ({}): the built-in types are used, and records of other "
                                "types are lost",
                                e.what()));
    cat = catalog::Catalog::builtin();
  }
  try {
    auto kept = graph::read_counts(*view);
    for (const auto& [tag, n] : kept.nodes) {
      try {
        report.expected_nodes[cat->by_tag(tag).name] = static_cast<std::uint64_t>(n);
      } catch (const Error&) {
      }
    }
    for (const auto& [tag, n] : kept.edges) {
      try {
        report.expected_edges[cat->by_tag(tag).name] = static_cast<std::uint64_t>(n);
      } catch (const Error&) {
      }
    }
  } catch (const Error&) {
  }

  // 4. The records that decode.
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  scan_ids(*view, Cf::kNodes, "node records", notes, [&](std::uint64_t id, std::string_view v) {
    try {
      nodes.push_back(graph::decode_node(*cat, id, v));
    } catch (const Error&) {
      ++report.lost_nodes;
    }
  });
  scan_ids(*view, Cf::kEdges, "edge records", notes, [&](std::uint64_t id, std::string_view v) {
    try {
      edges.push_back(graph::decode_edge(*cat, id, v));
    } catch (const Error&) {
      ++report.lost_edges;
    }
  });
  view.reset();
  store.reset();

  // 5. A new database, made in a temporary directory and renamed into place: the catalog,
  // then Documents (which others cite), the other nodes, the edges; a record that no longer
  // fits (a citation or an end lost) is left out and counted.
  storage::files::ScratchDir staging(storage::files::sibling(to, "salvaging"));
  fs::remove_all(staging.path(), ec);
  {
    auto db = open(staging.path());
    auto& st = *db->state_;
    {
      auto batch = st.store->batch();
      batch->put(Cf::kMeta, keys::kCatalog, cat->serialize());
      st.store->commit(*batch);
      std::lock_guard<std::mutex> guard(st.catalog_mu);
      st.catalog = cat;
    }
    std::stable_sort(nodes.begin(), nodes.end(),
                     [](const Node& a, const Node& b) { return (a.type == "Document") > (b.type == "Document"); });
    std::map<NodeId, NodeRef> refs;
    std::size_t reasons = 0;
    auto note_lost = [&](const std::string& what, const Error& e) {
      if (reasons++ < 20) notes.push_back(fmt::format("left out {}: {}", what, e.what()));
    };
    constexpr std::size_t kChunk = 20000;
    auto txn = db->begin();
    std::size_t in_txn = 0;
    auto maybe_commit = [&] {
      if (++in_txn < kChunk) return;
      txn->commit();
      txn = db->begin();
      in_txn = 0;
    };
    for (const auto& n : nodes) {
      try {
        txn->savepoint();
        txn->put_node({n.type, n.key, n.name, n.aliases, n.valid, n.props.to_json(), n.sources});
        txn->release_savepoint();
        refs[n.id] = n.ref();
        ++report.nodes[n.type];
      } catch (const Error& e) {
        txn->rollback_to_savepoint();
        ++report.lost_nodes;
        note_lost(fmt::format("node {}", n.ref().str()), e);
      }
      maybe_commit();
    }
    for (const auto& e : edges) {
      auto from = refs.find(e.from), to_ref = refs.find(e.to);
      if (from == refs.end() || to_ref == refs.end()) {
        ++report.lost_edges;
        if (reasons++ < 20) notes.push_back(fmt::format("left out edge {} ({}): an end was lost", e.id, e.type));
        continue;
      }
      try {
        txn->savepoint();
        txn->put_edge({e.type, from->second, to_ref->second, e.key, e.valid, e.props.to_json(), e.sources});
        txn->release_savepoint();
        ++report.edges[e.type];
      } catch (const Error& err) {
        txn->rollback_to_savepoint();
        ++report.lost_edges;
        note_lost(fmt::format("edge {} ({})", e.id, e.type), err);
      }
      maybe_commit();
    }
    txn->commit();
    if (reasons > 20) notes.push_back(fmt::format("... and {} more records left out", reasons - 20));
  }
  storage::files::sync_dir(staging.path());
  fs::rename(staging.path(), to, ec);
  if (ec) throw io_error("moving {} to {}: {}", staging.path().string(), to.string(), ec.message());
  staging.release();
  storage::files::sync_dir(to.parent_path().empty() ? fs::path(".") : to.parent_path());
  // Records the counts said existed but that were not even found to be read.
  std::uint64_t expected_nodes = 0, expected_edges = 0, got_nodes = 0, got_edges = 0;
  for (const auto& [t, n] : report.expected_nodes) expected_nodes += n;
  for (const auto& [t, n] : report.expected_edges) expected_edges += n;
  for (const auto& [t, n] : report.nodes) got_nodes += n;
  for (const auto& [t, n] : report.edges) got_edges += n;
  if (expected_nodes > got_nodes + report.lost_nodes) report.lost_nodes = expected_nodes - got_nodes;
  if (expected_edges > got_edges + report.lost_edges) report.lost_edges = expected_edges - got_edges;
  return report;
}

}  // namespace entente
