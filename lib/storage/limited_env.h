// A RocksDB Env whose file writes draw on the injected disk limit (files::charge_disk),
// failing with IOStatus::NoSpace as a full disk would. Tests use it through the environment
// variable ENTENTE_FAULT_DISK_BYTES (docs/reliability.md), for the library and the command.
#pragma once

#include <memory>

#include <rocksdb/env.h>

namespace entente::storage {

// The Env to open databases and write tables with: nullptr (RocksDB's default) unless a
// disk limit is injected. One per process, never destroyed.
rocksdb::Env* limited_env();

}  // namespace entente::storage
