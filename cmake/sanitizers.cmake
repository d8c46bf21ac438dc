# ASan + UBSan for the whole build (the configuration `make check` uses).
if(RH_SANITIZE)
  set(_rh_san -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
              -fno-omit-frame-pointer)
  add_compile_options(${_rh_san})
  add_link_options(${_rh_san})
endif()

# libFuzzer needs coverage instrumentation in every library, not only in the
# fuzz targets (which add -fsanitize=fuzzer for the driver).
if(RH_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
