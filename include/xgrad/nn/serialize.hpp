// serialize.hpp: saving and loading tensors and module parameters in numpy's formats, which
// numpy reads (np.load) and so does PyTorch (torch.from_numpy(np.load(...))): one tensor per
// .npy file, or a whole module's parameters and buffers in a .npz archive, named by their paths
// ("0.weight"). torch::save(module, path) and torch::load(module, path) use the .npz form (not
// libtorch's own archive format, which only libtorch reads). Read next: optim/optimizer.hpp.
#pragma once

#include <map>
#include <string>

#include "xgrad/nn/module.hpp"

namespace xgrad {

/// Writes `tensor` (float32, float64, int64 or bool) as a .npy file.
void save_npy(const Tensor& tensor, const std::string& path);
/// Reads a .npy file of one of those dtypes (C or Fortran order).
Tensor load_npy(const std::string& path);
/// Writes named tensors into an uncompressed .npz archive (what np.savez writes).
void save_npz(const std::map<std::string, Tensor>& tensors, const std::string& path);
/// Reads every array of a .npz archive, stored or deflated (np.savez or np.savez_compressed).
std::map<std::string, Tensor> load_npz(const std::string& path);

namespace nn {
/// Every parameter and buffer of the module, by its dotted path, into a .npz archive.
void save_npz(const Module& module, const std::string& path);
/// Copies the archive's arrays into the module's parameters and buffers (each must be present,
/// with the same shape); the module keeps its tensors (so optimizers holding them still work).
void load_npz(Module& module, const std::string& path);
}  // namespace nn

template <class Holder, class = decltype(std::declval<const Holder&>().ptr())>
void save(const Holder& module, const std::string& path) {
  nn::save_npz(*module, path);
}
template <class Holder, class = decltype(std::declval<Holder&>().ptr())>
void load(Holder& module, const std::string& path) {
  nn::load_npz(*module, path);
}

}  // namespace xgrad
