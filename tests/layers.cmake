# Layers only point down (docs/architecture.md). Run by ctest as `layers`:
#   cmake -DSOURCE_DIR=<repository> -P tests/layers.cmake
# Fails, naming the file and the line, when a file of lib/ includes a header of a layer
# above its own, when one above lib/graph reaches into lib/storage, or when it includes a
# public header (include/entente/) of a layer above it: lib/common only the value types
# (date.h, error.h, version.h, limits.h), and nothing below lib/io a file format's (interchange.h,
# formats.h, export.h).
cmake_minimum_required(VERSION 3.16)
set(allowed_common common)
set(allowed_storage common storage)
set(allowed_catalog common storage catalog)
set(allowed_graph common storage catalog graph)
set(allowed_algo common catalog graph algo)
set(allowed_query common catalog graph algo query)
# lib/io uses lib/algo only through its public header (entente/questions.h): the questions
# it writes out (the panel, the pictures) are algo's, and their internals stay there.
set(allowed_io common catalog graph io)
set(layers common storage catalog graph algo query io)
set(public_common date.h error.h version.h limits.h)
set(formats interchange.h formats.h export.h)

set(problems "")
set(checked 0)
foreach(layer IN LISTS layers)
  file(GLOB_RECURSE sources "${SOURCE_DIR}/lib/${layer}/*.cc" "${SOURCE_DIR}/lib/${layer}/*.h")
  foreach(source IN LISTS sources)
    math(EXPR checked "${checked} + 1")
    file(STRINGS "${source}" lines REGEX "^#include \"[a-z_]+/")
    foreach(line IN LISTS lines)
      string(REGEX MATCH "^#include \"([a-z_]+)/" _ "${line}")
      set(target "${CMAKE_MATCH_1}")
      if(target STREQUAL "entente")
        # The public API: every layer may use its value types, but not what lies above it.
        string(REGEX MATCH "^#include \"entente/([a-z_]+\\.h)\"" _ "${line}")
        set(header "${CMAKE_MATCH_1}")
        file(RELATIVE_PATH rel "${SOURCE_DIR}" "${source}")
        if(header STREQUAL "entente.h")
          string(APPEND problems "  ${rel}: ${line}: the umbrella header includes every layer; include what is used\n")
        elseif(layer STREQUAL "common" AND NOT header IN_LIST public_common)
          string(APPEND problems "  ${rel}: ${line}: lib/common may include only the public ${public_common}\n")
        elseif(NOT layer STREQUAL "io" AND header IN_LIST formats)
          string(APPEND problems "  ${rel}: ${line}: a file format's header, which only lib/io may include\n")
        endif()
        continue()
      endif()
      if(NOT target IN_LIST allowed_${layer})
        file(RELATIVE_PATH rel "${SOURCE_DIR}" "${source}")
        string(APPEND problems "  ${rel}: ${line}: lib/${layer} may include only ${allowed_${layer}}\n")
      endif()
    endforeach()
  endforeach()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "layers: no source file found under ${SOURCE_DIR}/lib")
endif()
if(problems)
  message(FATAL_ERROR "layers: a file includes a layer above its own, or reaches past lib/graph into lib/storage "
                      "(docs/architecture.md):\n${problems}")
endif()
message(STATUS "layers: ${checked} files, every include points down")
