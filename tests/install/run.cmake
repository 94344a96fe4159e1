# Installs the build tree into a scratch prefix, then builds and runs a consumer project
# against it twice: with find_package(entente) and with pkg-config.
# Variables: BUILD_DIR (the entente build), SOURCE_DIR (the consumer), WORK_DIR (scratch).
file(REMOVE_RECURSE ${WORK_DIR})
set(PREFIX ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(LAST_OUTPUT "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX})
foreach(f include/entente/entente.h include/entente/schema/meta.capnp lib/libentente.a lib/cmake/entente/ententeConfig.cmake
          lib/pkgconfig/entente.pc bin/entente)
  file(GLOB found ${PREFIX}/${f} ${PREFIX}/lib/*/${f})
  string(REPLACE "lib/" "lib*/" pattern ${f})
  file(GLOB found2 ${PREFIX}/${pattern})
  if(NOT EXISTS ${PREFIX}/${f} AND NOT found2)
    message(FATAL_ERROR "the install is missing ${f}")
  endif()
endforeach()

# 1. CMake package.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/cmake-build -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-build -j2)
run(${WORK_DIR}/cmake-build/consumer ${WORK_DIR}/db1)
message(STATUS "${LAST_OUTPUT}")
if(NOT LAST_OUTPUT MATCHES "consumer ok: State:VNM")
  message(FATAL_ERROR "unexpected output: ${LAST_OUTPUT}")
endif()

# 2. pkg-config.
file(GLOB_RECURSE pcfile ${PREFIX}/entente.pc)
get_filename_component(pcdir ${pcfile} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pcdir})
run(pkg-config --cflags --libs entente)
string(STRIP "${LAST_OUTPUT}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(c++ -std=c++20 ${SOURCE_DIR}/main.cc -o ${WORK_DIR}/consumer-pc ${flags})
run(${WORK_DIR}/consumer-pc ${WORK_DIR}/db2)
if(NOT LAST_OUTPUT MATCHES "consumer ok: State:VNM")
  message(FATAL_ERROR "unexpected output (pkg-config build): ${LAST_OUTPUT}")
endif()
