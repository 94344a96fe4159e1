// Opening a database: the store, the format version, the catalog and the id counters.
#include "common/coding.h"
#include "common/error.h"
#include "entente/database.h"
#include "graph/records.h"
#include "graph/state.h"
#include "storage/keys.h"

namespace entente {

using storage::Cf;

namespace {

std::string u32(std::uint32_t v) {
  std::string out;
  coding::put_u32(out, v);
  return out;
}

std::uint64_t counter(const storage::View& view, std::string_view key) {
  auto v = view.get(Cf::kMeta, key);
  if (!v) return 1;
  if (v->size() != 8) throw corruption("meta {} is damaged", key);
  return coding::get_u64(v->data());
}

// Format 1 -> 2: every adjacency entry rewritten to the key that holds the other node's
// type tag (read from its record), the old key deleted, and the format version set, all in
// `batch` (committed by the caller as one). An entry whose other node has no readable record
// (a damaged database) keeps its old key: the checker reports it and repair() rebuilds it.
// Returns the number of entries rewritten.
std::uint64_t upgrade_adjacency(const storage::View& view, storage::Store::Batch& batch) {
  std::uint64_t rewritten = 0;
  view.scan(Cf::kAdj, "", [&](std::string_view k, std::string_view v) {
    if (k.size() != keys::kAdjKeySize1) return true;
    auto a = keys::decode_adj(k);
    auto bytes = view.get(Cf::kNodes, keys::id(a.other));
    if (!bytes) return true;
    try {
      a.other_tag = graph::node_tag(a.other, *bytes);
    } catch (const Error&) {
      return true;
    }
    batch.put(Cf::kAdj, keys::adj(a, 2), v);
    batch.del(Cf::kAdj, k);
    ++rewritten;
    return true;
  });
  batch.put(Cf::kMeta, keys::kFormatVersion, u32(2));
  return rewritten;
}

}  // namespace

detail::DatabaseState& detail::state_of(Database& db) { return *db.state_; }

Database::Database() : state_(std::make_shared<detail::DatabaseState>()) {}
Database::~Database() = default;

std::unique_ptr<Database> Database::open(const std::filesystem::path& path, const Options& options) {
  std::unique_ptr<Database> db(new Database());
  auto& st = *db->state_;
  st.store = storage::Store::open(path, {options.create_if_missing, options.error_if_exists, options.read_only,
                                         options.sync, options.cache_mb << 20});
  auto view = st.store->snapshot();
  auto version = view->get(Cf::kMeta, keys::kFormatVersion);
  if (!version) {
    if (view->get(Cf::kMeta, keys::kCatalog) || options.read_only) {
      throw corruption("{} is not an entente database (no format version)", path.string());
    }
    // A new database: the format version and the built-in catalog.
    st.catalog = catalog::Catalog::builtin();
    auto batch = st.store->batch();
    batch->put(Cf::kMeta, keys::kFormatVersion, u32(keys::kFormat));
    batch->put(Cf::kMeta, keys::kCatalog, st.catalog->serialize());
    st.store->commit(*batch);
    st.format = keys::kFormat;
    return db;
  }
  if (version->size() != 4) throw corruption("{}: the format version is damaged", path.string());
  st.format = coding::get_u32(version->data());
  if (st.format > keys::kFormat) {
    throw invalid("{} was written by a newer entente (format {}); this build reads formats up to {}",
                  path.string(), st.format, keys::kFormat);
  }
  auto bytes = view->get(Cf::kMeta, keys::kCatalog);
  if (!bytes) throw corruption("{}: the catalog is missing", path.string());
  auto stored = catalog::Catalog::deserialize(*bytes);
  // Types written by an older build read under this build's newer versions (fields
  // added with new ordinals read as their defaults); the upgrade is stored when writable.
  st.catalog = stored->upgraded(*catalog::Catalog::builtin());
  std::string upgraded = st.catalog->serialize();
  if (options.read_only) return db;  // an older format is read as it is
  // Opened for writing: the format and the catalog upgraded in one atomic batch.
  const bool old_format = st.format == 1;
  if (upgraded != *bytes || old_format) {
    auto batch = st.store->batch();
    if (upgraded != *bytes) batch->put(Cf::kMeta, keys::kCatalog, upgraded);
    if (old_format) upgrade_adjacency(*view, *batch);
    st.store->commit(*batch);
    if (old_format) st.format = keys::kFormat;
  }
  return db;
}

std::unique_ptr<Snapshot> Database::snapshot() const {
  auto ctx = std::make_unique<detail::ReadContext>();
  ctx->db = state_;
  ctx->catalog = state_->current_catalog();
  ctx->view = state_->store->snapshot();
  return std::unique_ptr<Snapshot>(new Snapshot(std::move(ctx)));
}

std::unique_ptr<Transaction> Database::begin() {
  if (state_->store->read_only()) throw conflict("{} is open read-only", path().string());
  auto ws = std::make_unique<detail::WriteState>();
  ws->lock = std::unique_lock<std::mutex>(state_->writer);  // one writer at a time
  ws->db = state_.get();
  auto batch = state_->store->batch();
  ws->batch = batch.get();
  ws->next_node = counter(*batch, keys::kNextNodeId);
  ws->next_edge = counter(*batch, keys::kNextEdgeId);
  ws->first_new_node = ws->next_node;
  auto ctx = std::make_unique<detail::ReadContext>();
  ctx->db = state_;
  ctx->catalog = state_->current_catalog();
  ctx->view = std::move(batch);
  return std::unique_ptr<Transaction>(new Transaction(std::move(ctx), std::move(ws)));
}

std::vector<std::string> Database::add_types(std::string_view capnp_text, std::string_view file_name) {
  if (state_->store->read_only()) throw conflict("{} is open read-only", path().string());
  std::unique_lock<std::mutex> lock(state_->writer);
  auto current = state_->current_catalog();
  auto next = current->with_file(file_name, capnp_text);
  std::vector<std::string> added;
  for (const auto& t : next->types()) {
    if (!current->find(t.name)) added.push_back(t.name);
  }
  if (added.empty()) return added;
  auto batch = state_->store->batch();
  batch->put(Cf::kMeta, keys::kCatalog, next->serialize());
  state_->store->commit(*batch);
  std::lock_guard<std::mutex> guard(state_->catalog_mu);
  state_->catalog = std::move(next);
  return added;
}

void Database::backup(const std::filesystem::path& to) const { state_->store->checkpoint(to); }

void Database::restore(const std::filesystem::path& backup, const std::filesystem::path& to) {
  if (std::filesystem::exists(to)) throw invalid("{} already exists; restore into a new directory", to.string());
  {
    Options ro;
    ro.read_only = true;
    ro.create_if_missing = false;
    open(backup, ro);  // throws unless the backup is an entente database this build reads
  }
  std::error_code ec;
  std::filesystem::create_directories(to, ec);
  if (!ec) std::filesystem::copy(backup, to, std::filesystem::copy_options::recursive, ec);
  if (ec) {
    std::filesystem::remove_all(to);
    throw io_error("restoring {} to {}: {}", backup.string(), to.string(), ec.message());
  }
}

const std::filesystem::path& Database::path() const { return state_->store->path(); }

std::uint32_t Database::format_version() const { return state_->format; }

}  // namespace entente
