// char_lstm: a recurrent net learns to write. A character-level language model (nn::Embedding,
// a one-layer nn::LSTM of 256 units, nn::Linear) reads the GNU GPL version 3 that every Debian
// system has (/usr/share/common-licenses/GPL-3, from the Essential package base-files), learns to
// predict each next character with Adam, then writes 400 characters after the prompt
// "This License". samples/char_lstm.py is the same program in PyTorch, step for step: after
// manual_seed(0) both start from the same weights, see the same windows of text and draw the same
// characters when they write (torch.multinomial's draws). Read samples/fashion_mnist_mlp.cpp first (the training loop).
//
// Run it: ./build/samples/char_lstm [--steps N] [--text FILE] [--out DIR]
// It prints the loss now and then (and the time taken on stderr), writes the loss of every step to
// DIR/char_lstm_loss.csv (and, if gnuplot is installed, draws it into DIR/char_lstm_loss.png).
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#ifdef XGRAD_SAMPLE_LIBTORCH
#include "common/libtorch_print.hpp"  // the same source built against libtorch, for the parity test
#else
#include <xgrad/torch.hpp>            // namespace torch = xgrad;
#endif

#include "common/training_run.hpp"  // options, the loss CSV and its curve

namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {

struct Args {
  std::string text = "/usr/share/common-licenses/GPL-3";
  std::string out = ".";
  int steps = 600;
};

Args parse(int argc, char** argv) {
  Args args;
  const std::string usage = "--steps N, --text FILE, --out DIR";
  xgrad_samples::parse_flags(argc, argv, usage, [&](const std::string& flag, const std::string& value) {
    if (flag == "--text") args.text = value;
    else if (flag == "--out") args.out = value;
    else if (flag == "--steps") args.steps = xgrad_samples::whole_number(value);
    else return false;
    return true;
  });
  if (args.steps < 1) throw std::invalid_argument("--steps takes a whole number from 1 to 99999");
  return args;
}

int run(const Args& args) {
  using clock = std::chrono::steady_clock;
  // The text as bytes, its words joined by single spaces (the GPL's centred titles and indented
  // paragraphs are runs of spaces and line breaks that a small model would learn to repeat).
  // raw = b" ".join(open(path, "rb").read().split())
  // vocab = sorted(set(raw)); index = {b: i for i, b in enumerate(vocab)}
  // data = torch.tensor([index[b] for b in raw], dtype=torch.int64)
  std::ifstream file(args.text, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + args.text);
  std::string raw;
  bool space = false;  // a run of whitespace seen since the last word
  for (char c; file.get(c);) {
    if (std::isspace(static_cast<unsigned char>(c))) {  // (C locale: the bytes Python's split() splits on)
      space = true;
      continue;
    }
    if (space && !raw.empty()) raw += ' ';
    space = false;
    raw += c;
  }
  const std::set<unsigned char> distinct(raw.begin(), raw.end());
  const std::vector<unsigned char> vocab(distinct.begin(), distinct.end());
  std::vector<int64_t> index(256, -1), ids;
  for (size_t i = 0; i < vocab.size(); ++i) index[vocab[i]] = static_cast<int64_t>(i);
  for (unsigned char b : raw) ids.push_back(index[b]);
  const int64_t n = static_cast<int64_t>(ids.size()), V = static_cast<int64_t>(vocab.size());
  const int64_t seq_len = 64, batch_size = 32, embed_dim = 32, hidden = 256;
  if (n < 2 * seq_len) throw std::runtime_error(args.text + " is too short to learn from");
  auto data = torch::from_blob(ids.data(), {n}, torch::kLong).clone();
  // the prompt it writes after, checked before training: prompt = "This License"
  const std::string prompt = "This License";
  std::vector<int64_t> prompt_ids;
  for (char c : prompt) {
    const int64_t id = index[static_cast<unsigned char>(c)];
    if (id < 0) throw std::runtime_error(args.text + " does not hold the letters of \"" + prompt + "\"");
    prompt_ids.push_back(id);
  }
  fmt::print("{}: {} characters, {} distinct\n", args.text, n, V);

  // torch.manual_seed(0)
  // embed = nn.Embedding(V, 32); lstm = nn.LSTM(32, 256); head = nn.Linear(256, V)
  // (one per statement, so that the weights are drawn in Python's order)
  torch::manual_seed(0);
  nn::Embedding embed(V, embed_dim);
  nn::LSTM lstm(embed_dim, hidden);
  nn::Linear head(hidden, V);
  // params = [*embed.parameters(), *lstm.parameters(), *head.parameters()]
  // optimizer = torch.optim.Adam(params, lr=3e-3)
  std::vector<torch::Tensor> params;
  for (const auto& p : embed->parameters()) params.push_back(p);
  for (const auto& p : lstm->parameters()) params.push_back(p);
  for (const auto& p : head->parameters()) params.push_back(p);
  torch::optim::Adam optimizer(params, torch::optim::AdamOptions(3e-3));
  // offsets = torch.arange(65).unsqueeze(1)
  auto offsets = torch::arange(seq_len + 1).unsqueeze(1);

  const std::string csv_path = args.out + "/char_lstm_loss.csv";
  std::ofstream csv = xgrad_samples::open_loss_csv(csv_path, "step,loss");
  csv.precision(9);  // every float32 digit, to compare with PyTorch's run
  const auto start = clock::now();
  for (int step = 1; step <= args.steps; ++step) {
    // 32 windows of 65 characters at random places, as (time, batch): inputs and next characters
    // starts = torch.randint(0, n - 64, (32,))
    // chunk = data.index_select(0, (offsets + starts).reshape(-1)).view(65, 32)
    // x, y = chunk[:-1], chunk[1:]
    auto starts = torch::randint(0, n - seq_len, {batch_size});
    auto chunk = data.index_select(0, (offsets + starts).reshape({-1})).view({seq_len + 1, batch_size});
    auto x = chunk.slice(0, 0, seq_len);
    auto y = chunk.slice(0, 1, seq_len + 1);
    // out, _ = lstm(embed(x))
    // loss = F.cross_entropy(head(out).reshape(-1, V), y.reshape(-1))
    auto out = std::get<0>(lstm(embed(x)));
    auto loss = F::cross_entropy(head(out).reshape({-1, V}), y.reshape({-1}));
    // optimizer.zero_grad(); loss.backward(); optimizer.step()
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();

    const float value = loss.item<float>();
    csv << step << ',' << value << '\n';
    if (step <= 5 || step % 50 == 0 || step == args.steps) {
      fmt::print("step {:>4}: loss {:.4f}\n", step, value);
      std::fflush(stdout);
    }
  }
  // (the time goes to stderr: stdout is the same on every run, for the parity test)
  const double seconds = std::chrono::duration<double>(clock::now() - start).count();
  fmt::print(stderr, "{} steps in {:.1f} s\n", args.steps, seconds);

  // Writing: the prompt through the LSTM, then 400 characters, each drawn from softmax(logits / 0.5)
  // as torch.multinomial draws one sample. xgrad has no multinomial; for one sample PyTorch 1.13
  // takes argmax(p / q), q ~ Exp(1) from exponential_, which draws q = -log1p(-u) from a float64
  // uniform u, and torch::rand(kDouble) draws PyTorch's u bit for bit.
  torch::NoGradGuard no_grad;
  // ids = torch.tensor([index[ord(c)] for c in prompt])
  // out, state = lstm(embed(ids.unsqueeze(1))); logits = head(out[-1, 0])
  auto prompt_tensor = torch::from_blob(prompt_ids.data(), {static_cast<int64_t>(prompt_ids.size())}, torch::kLong);
  auto [out, state] = lstm(embed(prompt_tensor.unsqueeze(1)));
  auto logits = head(out.select(0, -1).select(0, 0));
  std::string text = prompt;
  for (int i = 0; i < 400; ++i) {
    // c = torch.multinomial(torch.softmax(logits / 0.5, 0), 1)
    auto probs = torch::softmax(logits / 0.5, 0);
    auto q = torch::rand({V}, torch::kDouble).neg().log1p().neg().to(torch::kFloat);
    auto c = (probs / q).argmax();
    text += static_cast<char>(vocab[static_cast<size_t>(c.item<int64_t>())]);
    // out, state = lstm(embed(c.view(1, 1)), state); logits = head(out[0, 0])
    std::tie(out, state) = lstm(embed(c.view({1, 1})), state);
    logits = head(out.select(0, 0).select(0, 0));
  }
  fmt::print("generated:\n{}\n", text);

  csv.close();
  const std::string png_path = args.out + "/char_lstm_loss.png";
  xgrad_samples::report_loss_curve(csv_path, png_path, "character-level LSTM on the GPL, training loss", 2);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    fmt::print(stderr, "char_lstm: {}\n", e.what());
    return 1;
  }
}
