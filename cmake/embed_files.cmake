# Turns files (the demo web pages) into a C++ source with one byte array per file, so the herald
# binary serves them without needing files on disk. Lookup: herald::web_assets().
function(herald_embed_files output)
  set(files ${ARGN})
  string(REPLACE ";" "|" files_argument "${files}")  # a CMake list would split the command line
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} -DFILES=${files_argument} -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding web assets"
    VERBATIM)
endfunction()
