#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

TEST_CASE("the issue's example") {
  auto x = torch::tensor({0.5, -1.0, 2.0}, torch::requires_grad());
  auto y = (x * x + torch::sigmoid(x)).sum();
  y.backward();
  fmt::print("{}\n{}\n{}\n", x, y, x.grad());
}
