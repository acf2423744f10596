// Compiled only to build the precompiled header that every layer of herald reuses (CMakeLists.txt).
