# ASan + UBSan for the whole build (the configuration `make check` uses).
if(RH_SANITIZE)
  set(_rh_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_compile_options(${_rh_san})
  add_link_options(${_rh_san})
endif()
