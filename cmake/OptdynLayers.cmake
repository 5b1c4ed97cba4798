# optdyn's layers: the ONE place that says which layer may use which. The libraries
# (lib/CMakeLists.txt, analysis/, experiments/) link what it says, and the layer check
# (cmake/check_layers.cmake, a build step every library depends on) fails the build on an
# #include that goes against it.
#
#   core → linalg → data → objectives → {optimizers, flows} → integrators → limits
#        → analysis → harness → {tool, experiments}
#
# OPTDYN_LAYER_LEVELS lists the layers lowest first. A layer may include the headers of
# layers on LOWER levels only; layers written together on one level ("a|b") are siblings
# and may not include each other (optimizers and flows: a flow is not an optimizer's
# business, nor the other way round; limits, above both, relates them).
set(OPTDYN_LAYER_LEVELS
    core linalg data objectives "optimizers|flows" integrators limits analysis harness "tool|experiments")

# optdyn_layer(NAME [USES layer...] PATHS path... [PREFIX include-prefix])
#   USES    the layers it links directly (PUBLIC). Everything it includes must be reachable
#           through these (the check says so otherwise), so that the static libraries link
#           in the right order; each must be on a lower level.
#   PATHS   its sources and headers, relative to the source root: directories (scanned
#           recursively) or file globs.
#   PREFIX  how others #include it ("optdyn/NAME/" unless given; "" for none).
function(optdyn_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "PREFIX" "USES;PATHS")
  if(NOT DEFINED arg_PREFIX)
    set(arg_PREFIX "optdyn/${name}/")
  endif()
  set(OPTDYN_LAYER_${name}_USES "${arg_USES}" PARENT_SCOPE)
  set(OPTDYN_LAYER_${name}_PATHS "${arg_PATHS}" PARENT_SCOPE)
  set(OPTDYN_LAYER_${name}_PREFIX "${arg_PREFIX}" PARENT_SCOPE)
endfunction()

optdyn_layer(core                                 PATHS lib/include/optdyn/core lib/src/core)
optdyn_layer(linalg      USES core                PATHS lib/include/optdyn/linalg lib/src/linalg)
optdyn_layer(data        USES core                PATHS lib/include/optdyn/data lib/src/data)
optdyn_layer(objectives  USES data linalg         PATHS lib/include/optdyn/objectives lib/src/objectives)
optdyn_layer(optimizers  USES objectives linalg   PATHS lib/include/optdyn/optimizers lib/src/optimizers)
optdyn_layer(flows       USES objectives linalg   PATHS lib/include/optdyn/flows lib/src/flows)
optdyn_layer(integrators USES flows linalg        PATHS lib/include/optdyn/integrators lib/src/integrators)
optdyn_layer(limits      USES optimizers flows    PATHS lib/include/optdyn/limits lib/src/limits)
optdyn_layer(analysis    USES limits integrators  PATHS analysis/include/optdyn/analysis analysis/src)
optdyn_layer(harness     USES core                PATHS experiments/harness PREFIX "harness/")
optdyn_layer(tool        USES harness analysis    PATHS experiments/tool PREFIX "tool/")
optdyn_layer(experiments USES harness analysis    PATHS "experiments/*.cpp" PREFIX "")

# Where a directory must belong to a layer: every entry of these is one layer's path.
set(OPTDYN_LAYER_ROOTS lib/include/optdyn lib/src analysis/include/optdyn experiments)

# All layers, in level order; OPTDYN_LIB_LAYERS: those under lib/, one static library
# optdyn_<layer> each (lib/CMakeLists.txt).
set(OPTDYN_LAYERS "")
set(OPTDYN_LIB_LAYERS "")
foreach(level IN LISTS OPTDYN_LAYER_LEVELS)
  string(REPLACE "|" ";" level_layers "${level}")
  list(APPEND OPTDYN_LAYERS ${level_layers})
  foreach(layer IN LISTS level_layers)
    if(OPTDYN_LAYER_${layer}_PATHS MATCHES "^lib/")
      list(APPEND OPTDYN_LIB_LAYERS ${layer})
    endif()
  endforeach()
endforeach()

# optdyn_layer_level(<var> <layer>): the level index of a layer (-1 when it is none).
function(optdyn_layer_level var layer)
  set(index 0)
  foreach(level IN LISTS OPTDYN_LAYER_LEVELS)
    string(REPLACE "|" ";" level_layers "${level}")
    if(layer IN_LIST level_layers)
      set(${var} ${index} PARENT_SCOPE)
      return()
    endif()
    math(EXPR index "${index} + 1")
  endforeach()
  set(${var} -1 PARENT_SCOPE)
endfunction()

# optdyn_layer_below(<var> <layer>): the layers on lower levels (what it may include).
function(optdyn_layer_below var layer)
  optdyn_layer_level(mine ${layer})
  set(result "")
  set(index 0)
  foreach(level IN LISTS OPTDYN_LAYER_LEVELS)
    if(index GREATER_EQUAL mine)
      break()
    endif()
    string(REPLACE "|" ";" level_layers "${level}")
    list(APPEND result ${level_layers})
    math(EXPR index "${index} + 1")
  endforeach()
  set(${var} "${result}" PARENT_SCOPE)
endfunction()

# optdyn_layer_reach(<var> <layer>): the layers it links, directly or through others.
function(optdyn_layer_reach var layer)
  set(result "")
  set(todo ${OPTDYN_LAYER_${layer}_USES})
  while(todo)
    list(POP_FRONT todo next)
    if(NOT next IN_LIST result)
      list(APPEND result ${next})
      list(APPEND todo ${OPTDYN_LAYER_${next}_USES})
    endif()
  endwhile()
  set(${var} "${result}" PARENT_SCOPE)
endfunction()

# optdyn_layer_link_targets(<var> <layer>): the CMake targets of the layers it uses.
function(optdyn_layer_link_targets var layer)
  set(result "")
  foreach(used IN LISTS OPTDYN_LAYER_${layer}_USES)
    list(APPEND result optdyn_${used})
  endforeach()
  set(${var} "${result}" PARENT_SCOPE)
endfunction()

# optdyn_add_layer_check(): the build step `optdyn_layer_check` that runs
# cmake/check_layers.cmake whenever a C++ file under lib/, analysis/ or experiments/ (or the
# layer definition) changes. Every library and program adds it as a dependency, so a
# back-edge fails `cmake --build` before anything is compiled.
function(optdyn_add_layer_check)
  set(files "")
  foreach(root lib analysis experiments)
    file(GLOB_RECURSE found CONFIGURE_DEPENDS
         "${PROJECT_SOURCE_DIR}/${root}/*.hpp" "${PROJECT_SOURCE_DIR}/${root}/*.h"
         "${PROJECT_SOURCE_DIR}/${root}/*.cpp" "${PROJECT_SOURCE_DIR}/${root}/*.cc"
         "${PROJECT_SOURCE_DIR}/${root}/*.ipp" "${PROJECT_SOURCE_DIR}/${root}/*.inl")
    list(APPEND files ${found})
  endforeach()
  set(stamp "${PROJECT_BINARY_DIR}/optdyn_layer_check.stamp")
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND "${CMAKE_COMMAND}" "-DOPTDYN_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
            -P "${PROJECT_SOURCE_DIR}/cmake/check_layers.cmake"
    COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
    DEPENDS ${files} "${PROJECT_SOURCE_DIR}/cmake/check_layers.cmake"
            "${PROJECT_SOURCE_DIR}/cmake/OptdynLayers.cmake"
    COMMENT "Checking the layers' #includes (cmake/OptdynLayers.cmake)"
    VERBATIM)
  add_custom_target(optdyn_layer_check ALL DEPENDS "${stamp}")
endfunction()
