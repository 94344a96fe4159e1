# Included by the top-level CMakeLists.txt when ENTENTE_FUZZ is ON, before the library is
# added: everything (the entente library included) is compiled with coverage for
# libFuzzer and with AddressSanitizer and UndefinedBehaviorSanitizer. The fuzz targets
# themselves link libFuzzer (fuzz/CMakeLists.txt).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "ENTENTE_FUZZ needs clang (libFuzzer): configure a fresh build directory with "
                      "CC=clang CXX=clang++ (make fuzz does), not ${CMAKE_CXX_COMPILER_ID}")
endif()
if(ENTENTE_SANITIZE)
  message(FATAL_ERROR "ENTENTE_FUZZ already builds with sanitizers; leave ENTENTE_SANITIZE OFF")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer -gline-tables-only)
add_link_options(-fsanitize=address,undefined)
