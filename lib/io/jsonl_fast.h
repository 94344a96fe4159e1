// The interchange format's fast line reader for the bulk load (graph/bulk_load.h): simdjson
// On-Demand into views, declining what it does not read exactly as parse_line does.
#pragma once

#include <memory>

#include "graph/bulk_load.h"

namespace entente {

// A new reader; one per parsing thread.
std::unique_ptr<graph::LineReader> make_fast_line_reader();

}  // namespace entente
