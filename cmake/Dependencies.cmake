# Every dependency comes from a Debian package (scripts/setup.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(OpenSSL REQUIRED)
pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(asio INTERFACE)
target_include_directories(asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
# One allocation scheme in every translation unit (its aligned_alloc detection can differ between them).
target_compile_definitions(asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED ASIO_DISABLE_STD_ALIGNED_ALLOC)

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

# Lua 5.1 with the cjson and bit C modules, as Redis embeds them (liblua5.1-0-dev, lua-cjson-dev, lua-bitop-dev).
pkg_check_modules(LUA51 REQUIRED IMPORTED_TARGET lua5.1)
find_library(LUA51_CJSON_LIB NAMES liblua5.1-cjson.a lua5.1-cjson REQUIRED)
find_library(LUA51_BITOP_LIB NAMES liblua5.1-bitop.a lua5.1-bitop REQUIRED)
add_library(lua51_modules INTERFACE)
target_link_libraries(lua51_modules INTERFACE ${LUA51_CJSON_LIB} ${LUA51_BITOP_LIB} PkgConfig::LUA51)
