// Shared by the fuzz targets: an invariant check that stops the fuzzer with a message.
#pragma once

#include <cstdio>
#include <cstdlib>

// Aborts (a finding for libFuzzer) when cond is false.
#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
