# check_output.cmake: runs a sample and compares what it prints on stdout with the expected text.
#   cmake -DPROGRAM=<sample> -DEXPECTED=<file> [-DARGS=<a;b>] [-DENV=<NAME=value>] -P check_output.cmake
# On a difference it prints both texts. To accept a new output after checking it by eye:
#   ./build/release/samples/<sample> > samples/expected/<sample>.txt
if(ENV)
  set(command ${CMAKE_COMMAND} -E env ${ENV} ${PROGRAM} ${ARGS})
else()
  set(command ${PROGRAM} ${ARGS})
endif()
execute_process(COMMAND ${command} OUTPUT_VARIABLE got ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}:\n${errors}")
endif()
file(READ ${EXPECTED} want)
if(NOT got STREQUAL want)
  message(FATAL_ERROR "${PROGRAM} printed:\n${got}\n--- but ${EXPECTED} holds:\n${want}")
endif()
message(STATUS "output equals ${EXPECTED}")
