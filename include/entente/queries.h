// Renamed: the built-in questions (allies, paths, blocs, visits, ...) are declared in
// entente/questions.h, whose name no longer differs from the query language's query.h by
// one letter. This header forwards to it for one release, and will then be removed.
#pragma once

#include "entente/questions.h"
