# Strict warnings for project code (style anchors 3.9). Attached through the
# rh_warnings interface target so third-party headers are not affected.
add_library(rh_warnings INTERFACE)
target_compile_options(rh_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wold-style-definition -Wwrite-strings -Wundef -Wvla -Wformat=2 -Wconversion
  -Wno-sign-conversion -Wdouble-promotion -Wcast-qual -Wimplicit-fallthrough)
if(RH_WERROR)
  target_compile_options(rh_warnings INTERFACE -Werror)
endif()
target_compile_definitions(rh_warnings INTERFACE _POSIX_C_SOURCE=200809L)

# Tests use cmocka macros that trip -Wconversion/-Wcast-qual; keep the rest.
add_library(rh_test_warnings INTERFACE)
target_compile_options(rh_test_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wstrict-prototypes -Wvla -Wformat=2 -Wundef)
if(RH_WERROR)
  target_compile_options(rh_test_warnings INTERFACE -Werror)
endif()
target_compile_definitions(rh_test_warnings INTERFACE _POSIX_C_SOURCE=200809L)

# rh_add_layer(NAME <target> PUBLIC_DEPS ... PRIVATE_DEPS ... [EXTRA_SOURCES ...])
# One static library per src/<layer>/ folder, sources globbed so adding a
# module needs no CMake edit. A layer with no sources yet is an INTERFACE
# library so the dependency chain stays intact.
function(rh_add_layer)
  cmake_parse_arguments(L "" "NAME" "PUBLIC_DEPS;PRIVATE_DEPS;EXTRA_SOURCES" ${ARGN})
  file(GLOB _src CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c)
  list(REMOVE_ITEM _src ${CMAKE_CURRENT_SOURCE_DIR}/main.c)
  list(APPEND _src ${L_EXTRA_SOURCES})
  if(_src)
    add_library(${L_NAME} STATIC ${_src})
    target_include_directories(${L_NAME} PUBLIC ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(${L_NAME} PUBLIC ${L_PUBLIC_DEPS} PRIVATE rh_warnings ${L_PRIVATE_DEPS})
  else()
    add_library(${L_NAME} INTERFACE)
    target_include_directories(${L_NAME} INTERFACE ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(${L_NAME} INTERFACE ${L_PUBLIC_DEPS})
  endif()
endfunction()
