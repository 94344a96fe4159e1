// entente: an embedded database of geopolitical events. The umbrella header.
//
//   #include <entente/entente.h>
//   auto db = entente::Database::open("geo.db");
//
// See README.md for a tour, docs/ for the formats.
#pragma once

#include "entente/database.h"
#include "entente/date.h"
#include "entente/error.h"
#include "entente/export.h"
#include "entente/formats.h"
#include "entente/graph_view.h"
#include "entente/interchange.h"
#include "entente/limits.h"
#include "entente/load.h"
#include "entente/projection.h"
#include "entente/questions.h"
#include "entente/query.h"
#include "entente/record.h"
#include "entente/schema.h"
#include "entente/version.h"
