# Every dependency is a Debian 12 package with a pkg-config module
# (scripts/deps.sh installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(EXPAT REQUIRED IMPORTED_TARGET expat)
if(RH_TESTS)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()
find_library(RH_LIBM m REQUIRED)
