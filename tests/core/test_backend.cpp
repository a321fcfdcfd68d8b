// test_backend.cpp: the legacy (Backend, dtype) type properties old libtorch code names tensors'
// types with (core/backend.hpp), against c10's and ATen's definitions in libtorch 1.13's headers
// (c10/core/Backend.h, c10/core/Layout.h, ATen/core/DeprecatedTypeProperties.h).
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

using at::Backend;

TEST_CASE("getDeprecatedTypeProperties: one object per (backend, dtype), converting to its options", "[backend]") {
  auto& sparse_byte = at::getDeprecatedTypeProperties(Backend::SparseCPU, at::kByte);
  CHECK(&sparse_byte == &at::getDeprecatedTypeProperties(Backend::SparseCPU, at::kByte));  // a registry, as ATen's
  CHECK(sparse_byte.toString() == "SparseCPUByteType");
  CHECK(sparse_byte.is_sparse());
  CHECK(sparse_byte.device_type() == at::kCPU);
  CHECK(sparse_byte.scalarType() == at::kByte);
  at::TensorOptions options(sparse_byte);  // libtorch's TensorOptionsTest.ConstructsWellFromCPUTypes
  CHECK(options.dtype() == at::kByte);
  CHECK(options.layout() == at::kSparse);
  CHECK(options.device() == at::Device(at::kCPU));

  auto& cpu_float = at::CPU(at::kFloat);
  CHECK(cpu_float.toString() == "CPUFloatType");
  CHECK(&cpu_float == &sparse_byte.toScalarType(at::kFloat).cpu());
  CHECK(cpu_float.layout() == at::kStrided);
  CHECK(cpu_float.typeMeta() == at::kFloat);
  CHECK(cpu_float.options(at::Device("cpu:0")).device() == at::Device(at::kCPU, 0));
  CHECK_THROWS_WITH(cpu_float.options(at::Device("cuda:1")), "cuda:1 is not a device of backend CPU");
  CHECK(at::CUDA(at::kDouble).is_cuda());
  CHECK(at::CUDA(at::kDouble).toString() == "CUDADoubleType");
  CHECK(cpu_float != at::CUDA(at::kFloat));
  // id(): backend * ScalarType::NumOptions (19 in 1.13) + dtype
  CHECK(at::getDeprecatedTypeProperties(Backend::SparseCPU, at::kFloat).id() == 7 * 19 + 6);
  CHECK(at::getDeprecatedTypeProperties(Backend::Undefined, at::kFloat).toString() == "UndefinedType");

  // A tensor made from them: strided CPU and sparse COO CPU ones are made, the others refused.
  auto t = at::zeros({2}, cpu_float.toScalarType(at::kDouble));
  CHECK(t.scalar_type() == at::kDouble);
  auto s = at::empty({5}, sparse_byte);  // libtorch's TensorOptionsTest.ConstructsWellFromCPUTensors
  CHECK(s.layout() == at::kSparse);
  CHECK(s.options().layout() == at::kSparse);
  CHECK(s.scalar_type() == at::kByte);
  CHECK(s._nnz() == 0);
  CHECK_THROWS_WITH(at::empty({5}, at::getDeprecatedTypeProperties(Backend::SparseCUDA, at::kByte)),
                    "Torch not compiled with CUDA enabled");
}

TEST_CASE("Backend: c10's names, layouts and device types", "[backend]") {
  CHECK(std::string(at::toString(Backend::SparseCUDA)) == "SparseCUDA");
  CHECK(std::string(at::toString(Backend::PrivateUse1)) == "PrivateUseOne");
  CHECK(std::string(at::toString(Backend::Undefined)) == "UNKNOWN_BACKEND");
  CHECK(at::layout_from_backend(Backend::MkldnnCPU) == at::kMkldnn);
  CHECK(at::layout_from_backend(Backend::QuantizedCPU) == at::kStrided);
  CHECK_THROWS_WITH(at::layout_from_backend(Backend::SparseCsrCPU),
                    "Cannot map Backend SparseCsrCPU|SparseCsrCUDA to a unique layout.");
  CHECK(at::backendToDeviceType(Backend::QuantizedXPU) == at::kXPU);
  CHECK(at::backendToDeviceType(Backend::SparseHIP) == at::kHIP);
  CHECK_THROWS_WITH(at::backendToDeviceType(Backend::Undefined), "Undefined backend is not a valid device type");
}
