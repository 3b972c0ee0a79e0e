# CORVID_SANITIZE=ON builds everything with ASan + UBSan; jemalloc is then left out (ASan owns malloc).
if(CORVID_SANITIZE)
  set(CORVID_JEMALLOC OFF)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
