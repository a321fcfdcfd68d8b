# xgradDependencies.cmake: finds what xgrad builds on, all from Debian packages (see
# cmake/install-deps.sh). Used by the build and, installed, by xgradConfig.cmake, so a consumer
# of an installed xgrad finds the same packages.
include(CMakeFindDependencyMacro)

find_dependency(fmt 9)
find_dependency(xtl)
find_dependency(xsimd 8)
find_dependency(xtensor 0.24)
find_dependency(ZLIB)    # .npz archives (and the samples' gzip files)
find_dependency(Threads) # xgrad's thread pool (src/core/parallel.cpp)

# Debian's OpenBLAS config sets variables only; wrap them in a target.
if(NOT TARGET xgrad_openblas)
  find_dependency(OpenBLAS CONFIG)
  add_library(xgrad_openblas INTERFACE IMPORTED)
  set_target_properties(xgrad_openblas PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${OpenBLAS_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${OpenBLAS_LIBRARIES}")
endif()
