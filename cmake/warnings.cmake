# warnings.cmake: the warnings every xgrad target compiles with (clean under all of them).
function(xgrad_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
endfunction()
