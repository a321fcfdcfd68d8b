// test_device.cpp: Device parsing and printing as c10's (errors as python3-torch printed them),
// TensorOptions keeping device and layout, factories refusing anything but strided CPU tensors,
// and the in-place methods being callable on a const Tensor& as in libtorch.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include <xgrad/torch.hpp>

using torch::Device;
using torch::Tensor;

TEST_CASE("Device parses c10's strings and refuses the rest with c10's errors", "[device]") {
  CHECK(Device("cpu") == Device(torch::kCPU));
  CHECK(Device("cpu:0") == Device(torch::kCPU, 0));
  CHECK(Device("cuda:123") == Device(torch::DeviceType::CUDA, 123));
  CHECK(Device("hip") == Device(torch::kHIP));
  CHECK(Device("privateuseone").type() == torch::kPrivateUse1);
  CHECK(Device("cuda:1").index() == 1);
  CHECK_FALSE(Device("cuda").has_index());
  CHECK(Device("cuda").is_cuda());
  CHECK(Device("cpu").is_cpu());
  CHECK(Device(torch::kCUDA, 1) != Device(torch::kCUDA, 2));
  CHECK_THROWS_WITH(Device(""), "Device string must not be empty");
  CHECK_THROWS_WITH(Device("cud:1"), "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, "
                                     "fpga, ort, xla, lazy, vulkan, mps, meta, hpu, privateuseone device type at start "
                                     "of device string: cud");
  CHECK_THROWS_WITH(Device("CPU"), Catch::EndsWith("device type at start of device string: CPU"));
  for (const char* bad : {"cuda:", "cpu::1", ":1", "3", "??", "cuda:-1", "cuda:01"})
    CHECK_THROWS_WITH(Device(bad), std::string("Invalid device string: '") + bad + "'");
  CHECK_THROWS_WITH(Device(torch::kCUDA, -2), "Device index must not be negative");
}

TEST_CASE("Device prints as c10 does", "[device]") {
  CHECK(Device(torch::kCUDA, 1).str() == "cuda:1");
  CHECK(Device("cpu").str() == "cpu");
  std::ostringstream os;
  os << Device("mps") << ' ' << torch::kCUDA << ' ' << torch::kStrided;
  CHECK(os.str() == "mps cuda Strided");
  CHECK(torch::DeviceTypeName(torch::kLazy) == "LAZY");
}

TEST_CASE("TensorOptions keep device and layout; factories make strided CPU tensors only", "[device]") {
  torch::TensorOptions options;
  CHECK(options.device() == Device(torch::kCPU));
  CHECK(options.device().index() == -1);
  CHECK(options.layout() == torch::kStrided);
  options = torch::dtype(torch::kByte).layout(torch::kSparse).device(torch::kCUDA, 2).device_index(3);
  CHECK(options.device() == Device(torch::kCUDA, 3));
  CHECK(options.layout() == torch::kSparse);
  CHECK(options.dtype() == torch::kByte);
  CHECK(torch::device({torch::kCUDA, 1}).device() == Device("cuda:1"));

  CHECK(torch::zeros({2}, torch::device(torch::kCPU)).sum().item<float>() == 0.0f);
  CHECK(torch::ones({2}, torch::TensorOptions("cpu:0")).sum().item<float>() == 2.0f);
  CHECK_THROWS_WITH(torch::zeros({2}, torch::device(torch::kCUDA)), "Torch not compiled with CUDA enabled");
  CHECK_THROWS_WITH(torch::randn({2}, torch::device("cuda:1")), "Torch not compiled with CUDA enabled");
  CHECK_THROWS_WITH(torch::ones({2}, torch::device(torch::kMPS)),
                    "xgrad computes on the CPU only: tensors on device 'mps' are not supported");
  CHECK_THROWS_WITH(torch::empty({2}, torch::layout(torch::kMkldnn)),
                    "xgrad's tensors are strided or sparse COO only: layout Mkldnn is not supported");
  CHECK(torch::empty({2}, torch::layout(torch::kSparse)).is_sparse());  // core/test_sparse.cpp tests the rest
  CHECK_THROWS_WITH(torch::arange(3, torch::layout(torch::kSparse)),
                    Catch::StartsWith("xgrad makes sparse tensors with empty, zeros, sparse_coo_tensor and to_sparse"));
  Tensor x = torch::ones({2});
  CHECK_THROWS_WITH(x.to(torch::kCUDA), "Torch not compiled with CUDA enabled");
  CHECK_THROWS_WITH(x.to(Device("cuda"), torch::kFloat), "Torch not compiled with CUDA enabled");
  Tensor same = x.to(x);
  CHECK(same.data_ptr() == x.data_ptr());
  CHECK(x.to(torch::zeros({1}, torch::kInt)).scalar_type() == torch::kInt);
  CHECK(x.options().layout() == torch::kStrided);
}

TEST_CASE("in-place methods work on a const Tensor&, as libtorch's", "[device][inplace]") {
  Tensor x = torch::ones({2}).set_requires_grad(true);
  (x * 3).sum().backward();
  const Tensor& g = x.grad();
  g.zero_();
  CHECK(torch::equal(x.grad(), torch::zeros({2})));
  const Tensor y = torch::ones({2});
  y.add_(1).mul_(2);
  CHECK(torch::equal(y, torch::full({2}, 4.0f)));
  const Tensor i = torch::tensor({5});
  CHECK_THROWS_WITH(i.requires_grad_(true), "Only Tensors of floating point and complex dtype can require gradients");
}

TEST_CASE("data() and variable_data() share memory but not the version counter; tensor_data() shares both",
          "[device][autograd]") {
  Tensor x = torch::ones({3}).set_requires_grad(true);
  Tensor d = x.data();
  CHECK_FALSE(d.requires_grad());
  CHECK(d.data_ptr() == x.data_ptr());
  d.mul_(2);  // not counted on x
  CHECK(x._version() == 0);
  CHECK(x.sum().item<float>() == 6.0f);
  Tensor t = x.tensor_data();
  CHECK_FALSE(t.requires_grad());
  t.add_(1);
  CHECK(x._version() == 1);
  CHECK(x.sum().item<float>() == 9.0f);
  Tensor v = x.variable_data();
  CHECK(v.is_leaf());
  CHECK(v._version() == 0);
  Tensor m = torch::autograd::make_variable(x * 2, /*requires_grad=*/true);
  CHECK(m.is_leaf());
  CHECK(m.requires_grad());
  CHECK(m.sum().item<float>() == 18.0f);
  CHECK_FALSE(torch::autograd::make_variable(x).requires_grad());
  CHECK(x.layout() == torch::kStrided);
}
