// Internal state behind the public Database, Reader and Transaction classes.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "entente/database.h"

#include "catalog/catalog.h"
#include "storage/store.h"

namespace entente::detail {

struct DatabaseState {
  std::unique_ptr<storage::Store> store;
  std::uint32_t format = 0;

  // The catalog; replaced whole when types are added. Readers keep the one they began with.
  mutable std::mutex catalog_mu;
  std::shared_ptr<const catalog::Catalog> catalog;

  // Held by the one open transaction.
  std::mutex writer;

  std::shared_ptr<const catalog::Catalog> current_catalog() const {
    std::lock_guard<std::mutex> lock(catalog_mu);
    return catalog;
  }
};

struct ReadContext {
  std::shared_ptr<DatabaseState> db;  // first, so that it is released last: the view needs it
  std::unique_ptr<storage::View> view;
  std::shared_ptr<const catalog::Catalog> catalog;
};

struct WriteState {
  DatabaseState* db = nullptr;
  storage::Store::Batch* batch = nullptr;  // owned by the transaction's ReadContext
  std::unique_lock<std::mutex> lock;
  std::uint64_t next_node = 1;
  std::uint64_t next_edge = 1;
  std::uint64_t writes = 0;
  WriteCounts nodes;
  WriteCounts edges;
  bool done = false;
  // What savepoint() saved, newest last: the counters to restore on rollback_to_savepoint().
  struct Saved {
    std::uint64_t next_node, next_edge, writes;
    WriteCounts nodes, edges;
  };
  std::vector<Saved> savepoints;
};

}  // namespace entente::detail
