# Run at every build (experiments/CMakeLists.txt, target optdyn_git_commit): writes OUTPUT with
# the commit the sources are at, "-dirty" when tracked files differ from it, "unknown" outside
# git. The file is rewritten only when that changes, so an unchanged tree recompiles nothing;
# a commit after configuring no longer leaves the manifests naming the configure-time commit.
#   cmake -DSOURCE_DIR=... -DOUTPUT=... -P git_commit.cmake
execute_process(COMMAND git rev-parse HEAD WORKING_DIRECTORY "${SOURCE_DIR}"
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT commit)
  set(commit "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY "${SOURCE_DIR}"
                  OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(changes)
    string(APPEND commit "-dirty")
  endif()
endif()
set(text "// Generated at build time by cmake/git_commit.cmake; do not edit.\n#define OPTDYN_GIT_COMMIT \"${commit}\"\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE "${OUTPUT}" "${text}")
endif()
