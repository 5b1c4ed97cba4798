# The layer check on the fixture tree (tests/layers/fixture, planted violations): it must
# fail, and report exactly these lines (file:line and reason), nothing else.
#   cmake -DCHECKER=cmake/check_layers.cmake -DFIXTURE=tests/layers/fixture -P expect_violations.cmake
cmake_minimum_required(VERSION 3.25)
set(expected
  "lib/src/widgets: belongs to no layer (declare it in cmake/OptdynLayers.cmake)"
  "analysis/src/peek.cpp:2: relative include '../../lib/src/objectives/mlp_passes.hpp' leaves the layer's directory (include \"optdyn/<layer>/...\")"
  "analysis/src/peek.cpp:3: includes 'optdyn/gadgets/gadget.hpp': 'gadgets' is no layer (layers: core, linalg, data, objectives, optimizers, flows, integrators, limits, analysis, harness, tool, experiments)"
  "experiments/harness/experiment.hpp:4: layer 'harness' may not include 'tool' (allowed: core, linalg, data, objectives, optimizers, flows, integrators, limits, analysis)"
  "experiments/run.cpp:4: layer 'experiments' may not include 'tool' (allowed: core, linalg, data, objectives, optimizers, flows, integrators, limits, analysis, harness)"
  "lib/include/optdyn/data/table.hpp:3: layer 'data' may not include 'objectives' (allowed: core, linalg)"
  "lib/src/flows/step.cpp:4: layer 'flows' may not include 'optimizers' (allowed: core, linalg, data, objectives)"
  "lib/src/integrators/solve.cpp:3: layer 'integrators' includes 'optimizers' but does not link it (links: core, linalg, data, objectives, flows): add it to the USES of 'integrators' in cmake/OptdynLayers.cmake")

execute_process(COMMAND "${CMAKE_COMMAND}" "-DOPTDYN_SOURCE_DIR=${FIXTURE}" -P "${CHECKER}"
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(failures "")
if(status EQUAL 0)
  list(APPEND failures "the check passed on a tree with planted back-edges")
endif()
string(REPLACE "\n" ";" lines "${out}${err}")
set(reported "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[^ ]+: ")  # a violation line: path[:line]: reason
    list(APPEND reported "${line}")
  endif()
endforeach()
foreach(line IN LISTS expected)
  if(NOT line IN_LIST reported)
    list(APPEND failures "missing: ${line}")
  endif()
endforeach()
foreach(line IN LISTS reported)
  if(NOT line IN_LIST expected)
    list(APPEND failures "unexpected: ${line}")
  endif()
endforeach()
if(failures)
  string(REPLACE ";" "\n" failures "${failures}")
  message(FATAL_ERROR "${failures}\n--- the check said:\n${out}${err}")
endif()
list(LENGTH expected count)
message(STATUS "layer check: all ${count} planted violations of the fixture reported, with file and line")
