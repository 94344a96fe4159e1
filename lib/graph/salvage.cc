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
      notes.push_back(
          fmt::format("{} with ids from {} to below {} could not be read (a damaged table block)", what, from, probe));
      next = probe;
      resumed = true;
    }
    if (!resumed) {
      notes.push_back(fmt::format("{} from id {} on could not be read (a damaged table block)", what, from));
      return;
    }
  }
}

// 1. A private copy of the damaged files, in `work`: nothing after touches the original.
void copy_damaged(const fs::path& damaged, const fs::path& work) {
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work, ec);
  if (ec) throw io_error("creating {}: {}", work.string(), ec.message());
  for (fs::directory_iterator it(damaged, ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (!it->is_regular_file() || n == "LOCK" || n.rfind("LOG", 0) == 0) continue;
    storage::files::copy_file(it->path(), work / n);
  }
  if (ec) throw io_error("reading {}: {}", damaged.string(), ec.message());
}

// Why the copy's MANIFEST must be rebuilt from its table files (empty: it need not): table
// files it does not name, or a sequence below the acknowledged one, mean it lost records.
std::string manifest_lost(const storage::Store& store, const fs::path& work, const storage::files::AckRead& ack) {
  std::set<std::string> live;
  for (const auto& t : store.table_files()) live.insert(t.name);
  std::vector<std::string> orphans;
  std::error_code ec;
  for (fs::directory_iterator it(work, ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (n.size() > 4 && n.substr(n.size() - 4) == ".sst" && !live.count(n)) orphans.push_back(n);
  }
  if (!orphans.empty()) {
    std::sort(orphans.begin(), orphans.end());
    return fmt::format("its MANIFEST does not name the table files {}", fmt::join(orphans, ", "));
  }
  if (ack.state == storage::files::AckState::kRead && store.sequence() < ack.ack.sequence) {
    return fmt::format("it acknowledged commits up to sequence number {} but opens at {}", ack.ack.sequence,
                       store.sequence());
  }
  return {};
}

// 2. The copy opened: its logs replayed up to their first damage; failing that, RocksDB's
// repair rebuilds the MANIFEST from the table files (and turns the logs into tables).
std::unique_ptr<storage::Store> open_copy(const fs::path& work, const storage::files::AckRead& ack,
                                          std::vector<std::string>& notes) {
  storage::StoreOptions so;
  so.read_only = true;
  so.create_if_missing = false;
  so.salvage = true;
  std::unique_ptr<storage::Store> store;
  std::string why;  // why the MANIFEST is rebuilt
  try {
    store = storage::Store::open(work, so);
    why = manifest_lost(*store, work, ack);
  } catch (const Error& e) {
    why = fmt::format("it does not open as it is ({})", e.what());
  }
  if (!why.empty()) {
    store.reset();
    notes.push_back(
        fmt::format("{}: rebuilt its MANIFEST from the table files and logs with RocksDB's repair "
                    "(unreadable table files are left out; records deleted long ago may reappear)",
                    why));
    storage::repair_files(work);
    store = storage::Store::open(work, so);
  }
  // (A rebuilt MANIFEST numbers the records afresh: then only the counts tell.)
  if (why.empty() && ack.state == storage::files::AckState::kRead && store->sequence() < ack.ack.sequence) {
    notes.push_back(
        fmt::format("the database acknowledged commits up to sequence number {}; what could be read "
                    "reaches {}: the newest commits are lost",
                    ack.ack.sequence, store->sequence()));
  }
  return store;
}

// 3. The catalog (user types included); the built-in one when it cannot be read.
std::shared_ptr<const catalog::Catalog> read_catalog(const storage::View& view, std::vector<std::string>& notes) {
  try {
    auto bytes = view.get(Cf::kMeta, keys::kCatalog);
    if (!bytes) throw corruption("the catalog is missing");
    return catalog::Catalog::deserialize(*bytes)->upgraded(*catalog::Catalog::builtin());
  } catch (const Error& e) {
    notes.push_back(
        fmt::format("the catalog cannot be read ({}): the built-in types are used, and records of other "
                    "types are lost",
                    e.what()));
    return catalog::Catalog::builtin();
  }
}

// The counts of records by type that the commits kept, where they can be read.
void read_expected(const storage::View& view, const catalog::Catalog& cat, SalvageReport& report) {
  try {
    auto kept = graph::read_counts(view);
    auto name_of = [&](std::uint32_t tag) -> std::optional<std::string> {
      try {
        return cat.by_tag(tag).name;
      } catch (const Error&) {
        return std::nullopt;  // a type the catalog no longer has
      }
    };
    for (const auto& [tag, n] : kept.nodes) {
      if (auto name = name_of(tag)) report.expected_nodes[*name] = static_cast<std::uint64_t>(n);
    }
    for (const auto& [tag, n] : kept.edges) {
      if (auto name = name_of(tag)) report.expected_edges[*name] = static_cast<std::uint64_t>(n);
    }
  } catch (const Error&) {
  }
}

// 4. The records that decode.
struct Salvaged {
  std::vector<Node> nodes;
  std::vector<Edge> edges;
};

Salvaged read_records(const storage::View& view, const catalog::Catalog& cat, SalvageReport& report) {
  Salvaged out;
  scan_ids(view, Cf::kNodes, "node records", report.notes, [&](std::uint64_t id, std::string_view v) {
    try {
      out.nodes.push_back(graph::decode_node(cat, id, v));
    } catch (const Error&) {
      ++report.lost_nodes;
    }
  });
  scan_ids(view, Cf::kEdges, "edge records", report.notes, [&](std::uint64_t id, std::string_view v) {
    try {
      out.edges.push_back(graph::decode_edge(cat, id, v));
    } catch (const Error&) {
      ++report.lost_edges;
    }
  });
  return out;
}

// 5. The records written into the new database: the catalog, then Documents (which others
// cite), the other nodes, the edges, in transactions of 20,000; a record that no longer
// fits (a citation or an end lost) is left out, counted, and the first 20 noted.
void write_salvaged(Database& db, std::shared_ptr<const catalog::Catalog> cat, Salvaged& records,
                    SalvageReport& report) {
  auto& st = graph::Internals::state(db);
  {
    auto batch = st.store->batch();
    batch->put(Cf::kMeta, keys::kCatalog, cat->serialize());
    st.store->commit(*batch);
    std::lock_guard<std::mutex> guard(st.catalog_mu);
    st.catalog = std::move(cat);
  }
  std::stable_sort(records.nodes.begin(), records.nodes.end(),
                   [](const Node& a, const Node& b) { return (a.type == "Document") > (b.type == "Document"); });
  std::map<NodeId, NodeRef> refs;
  std::size_t reasons = 0;
  auto note_lost = [&](const std::string& what, std::string_view why) {
    if (reasons++ < 20) report.notes.push_back(fmt::format("left out {}: {}", what, why));
  };
  constexpr std::size_t kChunk = 20000;
  auto txn = db.begin();
  std::size_t in_txn = 0;
  // Writes one record inside a savepoint: false (and nothing written) when it is refused.
  auto put = [&](const std::function<void()>& write, const std::string& what) {
    bool ok = true;
    try {
      txn->savepoint();
      write();
      txn->release_savepoint();
    } catch (const Error& e) {
      txn->rollback_to_savepoint();
      note_lost(what, e.what());
      ok = false;
    }
    if (++in_txn >= kChunk) {
      txn->commit();
      txn = db.begin();
      in_txn = 0;
    }
    return ok;
  };
  for (const auto& n : records.nodes) {
    if (put(
            [&] {
              txn->put_node({n.type, n.key, n.name, n.aliases, n.valid, n.props.to_json(), n.sources});
            },
            fmt::format("node {}", n.ref().str()))) {
      refs[n.id] = n.ref();
      ++report.nodes[n.type];
    } else {
      ++report.lost_nodes;
    }
  }
  for (const auto& e : records.edges) {
    auto from = refs.find(e.from), to = refs.find(e.to);
    if (from == refs.end() || to == refs.end()) {
      ++report.lost_edges;
      note_lost(fmt::format("edge {} ({})", e.id, e.type), "an end was lost");
      continue;
    }
    if (put(
            [&] {
              txn->put_edge({e.type, from->second, to->second, e.key, e.valid, e.props.to_json(), e.sources});
            },
            fmt::format("edge {} ({})", e.id, e.type))) {
      ++report.edges[e.type];
    } else {
      ++report.lost_edges;
    }
  }
  txn->commit();
  if (reasons > 20) report.notes.push_back(fmt::format("... and {} more records left out", reasons - 20));
}

// Records the counts said existed but that were not even found to be read, counted lost.
void count_unread(SalvageReport& report) {
  std::uint64_t expected_nodes = 0, expected_edges = 0, got_nodes = 0, got_edges = 0;
  for (const auto& [t, n] : report.expected_nodes) expected_nodes += n;
  for (const auto& [t, n] : report.expected_edges) expected_edges += n;
  for (const auto& [t, n] : report.nodes) got_nodes += n;
  for (const auto& [t, n] : report.edges) got_edges += n;
  if (expected_nodes > got_nodes + report.lost_nodes) report.lost_nodes = expected_nodes - got_nodes;
  if (expected_edges > got_edges + report.lost_edges) report.lost_edges = expected_edges - got_edges;
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
  storage::files::ScratchDir work(storage::files::sibling(to, "salvage"));
  copy_damaged(damaged, work.path());
  auto store = open_copy(work.path(), storage::files::read_ack(damaged), report.notes);
  auto view = store->snapshot();
  auto cat = read_catalog(*view, report.notes);
  read_expected(*view, *cat, report);
  Salvaged records = read_records(*view, *cat, report);
  view.reset();
  store.reset();

  // A new database, made in a temporary directory and renamed into place.
  storage::files::ScratchDir staging(storage::files::sibling(to, "salvaging"));
  std::error_code ec;
  fs::remove_all(staging.path(), ec);
  write_salvaged(*open(staging.path()), cat, records, report);
  storage::files::sync_dir(staging.path());
  fs::rename(staging.path(), to, ec);
  if (ec) throw io_error("moving {} to {}: {}", staging.path().string(), to.string(), ec.message());
  staging.release();
  storage::files::sync_dir(to.parent_path().empty() ? fs::path(".") : to.parent_path());
  count_unread(report);
  return report;
}

}  // namespace entente
