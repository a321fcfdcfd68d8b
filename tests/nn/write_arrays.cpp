// write_arrays.cpp: writes a .npy file and a .npz archive (a model's parameters) with xgrad, for
// numpy_reads_xgrad.py to open with numpy. Usage: write_arrays <directory>
#include <iostream>

#include <xgrad/torch.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_arrays <directory>\n";
    return 2;
  }
  const std::string dir = argv[1];
  torch::save_npy(torch::arange(6).to(torch::kFloat).reshape({2, 3}) / 4, dir + "/grid.npy");
  torch::save_npy(torch::tensor({true, false}), dir + "/mask.npy");
  torch::manual_seed(0);
  torch::nn::Linear fc(4, 3);
  torch::save(fc, dir + "/linear.npz");
  // The same weights, printed for the script to compare with what numpy reads.
  std::cout.precision(9);
  for (const auto& p : fc->named_parameters()) {
    auto flat = p.value().detach().reshape({-1});
    std::cout << p.key();
    for (int64_t i = 0; i < flat.numel(); ++i) std::cout << ' ' << flat[i].item<float>();
    std::cout << '\n';
  }
}
