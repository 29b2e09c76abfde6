# add_web_ui(<target>)
# Builds the web UI (web/: npm ci when the lock file changed, then web/build.mjs) into
# <build>/web-dist and compiles its files into <target> as narralytica::api::web_ui_files(). The
# bundle is rebuilt when anything under web/src, the build script or the lock file changes.
find_program(NPM_PROGRAM npm REQUIRED)
find_program(NODE_PROGRAM node REQUIRED)

function(add_web_ui target)
  set(web "${PROJECT_SOURCE_DIR}/web")
  # Each build directory stages its own copy (and its own node_modules), so two builds of one
  # source tree never run npm in the same directory at once, and the source tree stays clean.
  set(stage "${CMAKE_CURRENT_BINARY_DIR}/web")
  set(dist "${CMAKE_CURRENT_BINARY_DIR}/web-dist")
  set(installed "${CMAKE_CURRENT_BINARY_DIR}/web-npm-ci.stamp")
  set(built "${CMAKE_CURRENT_BINARY_DIR}/web-build.stamp")
  set(source "${CMAKE_CURRENT_BINARY_DIR}/web_ui_files.cpp")
  file(GLOB_RECURSE web_sources CONFIGURE_DEPENDS "${web}/src/*")
  file(MAKE_DIRECTORY "${stage}")
  # npm ci only when the lock file changed: it deletes node_modules and installs again.
  add_custom_command(
    OUTPUT "${installed}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${stage}"
    COMMAND "${CMAKE_COMMAND}" -E copy "${web}/package.json" "${web}/package-lock.json" "${stage}"
    COMMAND "${CMAKE_COMMAND}" -E chdir "${stage}" "${NPM_PROGRAM}" ci --no-audit --no-fund --loglevel=error
    COMMAND "${CMAKE_COMMAND}" -E touch "${installed}"
    DEPENDS "${web}/package.json" "${web}/package-lock.json"
    WORKING_DIRECTORY "${stage}"
    COMMENT "web UI: npm ci"
    VERBATIM)
  add_custom_command(
    OUTPUT "${built}"
    COMMAND "${CMAKE_COMMAND}" -E rm -rf "${stage}/src"
    COMMAND "${CMAKE_COMMAND}" -E copy_directory "${web}/src" "${stage}/src"
    COMMAND "${CMAKE_COMMAND}" -E copy "${web}/build.mjs" "${stage}"
    COMMAND "${NODE_PROGRAM}" build.mjs "${dist}"
    COMMAND "${CMAKE_COMMAND}" -E touch "${built}"
    DEPENDS "${installed}" "${web}/build.mjs" ${web_sources}
    WORKING_DIRECTORY "${stage}"
    COMMENT "web UI: bundle"
    VERBATIM)
  add_custom_command(
    OUTPUT "${source}"
    COMMAND "${CMAKE_COMMAND}" -DDIR=${dist} -DOUT=${source} -DNAMESPACE=narralytica::api -DVARIABLE=web_ui_files
            -P "${PROJECT_SOURCE_DIR}/cmake/EmbedDirectory.cmake"
    DEPENDS "${built}" "${PROJECT_SOURCE_DIR}/cmake/EmbedDirectory.cmake" "${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake"
    COMMENT "web UI: embed"
    VERBATIM)
  target_sources(${target} PRIVATE "${source}")
endfunction()
