# Turns files (the demo web pages) into a C++ source with one byte array per file, so the herald
# binary serves them without needing files on disk. Lookup: herald::web_asset(path).
function(herald_embed_files output)
  set(files ${ARGN})
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} "-DFILES=${files}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding web assets")
endfunction()
