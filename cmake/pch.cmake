# Precompiled headers (ENTENTE_PCH, on by default). Most of a translation unit's compile
# time here is spent parsing the same third-party headers: nlohmann/json alone takes 3 s of
# the 7-10 s of a typical file, Catch2 2 s, CLI11 6 s. Precompiling them once per target
# roughly halves a cold build, which is what CI (a clean clone, an empty ccache) pays.
# The lists hold third-party and standard headers only, never entente's own; every file
# still includes what it uses, and -DENTENTE_PCH=OFF builds without them.
option(ENTENTE_PCH "Precompile the third-party headers every file includes" ON)

set(ENTENTE_PCH_STD <algorithm> <cstdint> <functional> <map> <memory> <optional> <set> <string>
    <string_view> <unordered_map> <vector>)

function(entente_precompile target)
  if(ENTENTE_PCH)
    target_precompile_headers(${target} PRIVATE ${ENTENTE_PCH_STD} ${ARGN})
  endif()
endfunction()

# ccache can cache files built with a precompiled header only when told to overlook the
# header's timestamps and the macros it defines (ccache manual, "Precompiled headers").
if(ENTENTE_PCH AND CCACHE_PROGRAM)
  set(ENTENTE_CCACHE_LAUNCHER ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime ${CCACHE_PROGRAM})
  set(CMAKE_C_COMPILER_LAUNCHER ${ENTENTE_CCACHE_LAUNCHER})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${ENTENTE_CCACHE_LAUNCHER})
endif()

# Unity builds (ENTENTE_UNITY, off by default; on in CI): the library's and the command's
# files compiled in batches of `batch`, so that the headers every file includes are parsed
# and their templates instantiated once a batch, not once a file. A change to one file
# rebuilds its whole batch, which is why working trees leave it off; the Makefile turns it
# on when CI=true. (The tests are not batched: their files' local helpers share names.)
option(ENTENTE_UNITY "Compile each target's files in batches (faster clean builds)" OFF)

function(entente_unity target batch)
  if(ENTENTE_UNITY)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${batch})
  endif()
endfunction()
