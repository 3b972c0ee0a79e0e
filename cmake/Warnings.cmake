# corvid_warnings(target): the warning set every corvid target builds with.
function(corvid_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()
