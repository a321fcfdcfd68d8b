// micrograd_expression: the expression of Andrej Karpathy's micrograd README, in double-precision
// scalars: its value, the gradients of its two inputs, and the graph autograd built for it, as a
// tree and as a Graphviz picture. Each line of the Python it ports is written above it.
// Run it: ./build/release/samples/micrograd_expression [--out DIR]
// It prints the graph's DOT text and writes it to DIR/micrograd_expression.dot (DIR: the current
// directory); where graphviz is installed it also draws DIR/micrograd_expression.svg.
#include <cstdlib>
#include <fstream>
#include <string>

#include <xgrad/torch.hpp>

int main(int argc, char** argv) {
  const std::string out_dir = argc == 3 && std::string(argv[1]) == "--out" ? argv[2] : ".";
  auto scalar = [](double v) { return torch::tensor(v, torch::kDouble).requires_grad_(); };
  // a = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
  auto a = scalar(-4.0);
  // b = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
  auto b = scalar(2.0);
  // c = a + b
  auto c = a + b;
  // d = a * b + b**3
  auto d = a * b + b.pow(3);
  // c = c + c + 1
  c = c + c + 1;
  // c = c + 1 + c + (-a)
  c = c + 1 + c + (-a);
  // d = d + d * 2 + (b + a).relu()
  d = d + d * 2 + (b + a).relu();
  // d = d + 3 * d + (b - a).relu()
  d = d + 3 * d + (b - a).relu();
  // e = c - d
  auto e = c - d;
  // f = e**2
  auto f = e.pow(2);
  // g = f / 2.0
  auto g = f / 2.0;
  // g = g + 10.0 / f
  g = g + 10.0 / f;
  // print(f'{g.item():.4f}')             24.7041
  fmt::print("g = {:.4f}\n", g.item<double>());
  // g.backward()
  g.backward();
  // print(f'{a.grad.item():.4f}')        138.8338, the slope of g as a moves
  // print(f'{b.grad.item():.4f}')        645.5773
  fmt::print("dg/da = {:.4f}\ndg/db = {:.4f}\n\n", a.grad().item<double>(), b.grad().item<double>());

  // The graph behind g: each node is the backward of one op, named as PyTorch names it; the
  // leaves a and b end in AccumulateGrad, which writes their .grad.
  fmt::print("The graph of g, from g down to the leaves (Python: walking g.grad_fn.next_functions):\n{}\n",
             torch::autograd::to_text(g));
  const std::string dot = torch::autograd::to_dot(g, torch::autograd::DotOptions().name(a, "a").name(b, "b"));
  fmt::print("The same graph in Graphviz's DOT language:\n{}", dot);
  const std::string dot_path = out_dir + "/micrograd_expression.dot";
  std::ofstream(dot_path) << dot;
  const std::string svg_path = out_dir + "/micrograd_expression.svg";
  if (std::system("command -v dot > /dev/null 2>&1") == 0 &&
      std::system(("dot -Tsvg '" + dot_path + "' -o '" + svg_path + "'").c_str()) == 0)
    fmt::print(stderr, "drawn: {}\n", svg_path);
  else
    fmt::print(stderr, "wrote {} (install graphviz to draw it: dot -Tsvg {} -o graph.svg)\n", dot_path, dot_path);
  return 0;
}
