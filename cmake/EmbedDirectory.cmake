# cmake -DDIR=<dir> -DOUT=<file.cpp> -DNAMESPACE=<ns> -DVARIABLE=<fn> -P EmbedDirectory.cmake
# Build-time twin of embed_files(): embeds every file under DIR (made by an earlier build step,
# such as the web UI's bundle), each named by its path relative to DIR. Rewrites OUT only when its
# text changes, so an unchanged bundle recompiles nothing.
include(${CMAKE_CURRENT_LIST_DIR}/EmbedFiles.cmake)
file(GLOB_RECURSE files LIST_DIRECTORIES false "${DIR}/*")
list(SORT files)
if(NOT files)
  message(FATAL_ERROR "EmbedDirectory: no files under ${DIR}")
endif()
embedded_files_source(body ${NAMESPACE} ${VARIABLE} BASE "${DIR}" FILES ${files})
write_if_changed("${OUT}" "${body}")
