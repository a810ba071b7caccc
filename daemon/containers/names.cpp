#include "daemon/containers/names.hpp"

#include <sys/random.h>

#include <array>
#include <cctype>

namespace mydocker::daemon::containers {

// /?[a-zA-Z0-9][a-zA-Z0-9_.-]+, by hand: linear in a client's input.
bool valid_container_name(const std::string& name) {
  std::string_view n = name;
  if (n.starts_with('/')) n.remove_prefix(1);
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (n.size() < 2 || !alnum(n[0])) return false;
  for (char c : n)
    if (!alnum(c) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

namespace {
constexpr std::array kAdjectives = {
    "agile", "bold", "brave", "bright", "calm", "clever", "cool", "crisp", "daring", "eager",
    "fervent", "fond", "gentle", "happy", "hopeful", "jolly", "keen", "kind", "lucid", "merry",
    "modest", "nimble", "noble", "patient", "quiet", "quirky", "serene", "sharp", "steady", "sunny",
    "swift", "tender", "vibrant", "wise", "witty", "zealous"};
// Scientists and engineers, as Docker's list honours them.
constexpr std::array kSurnames = {
    "babbage", "bohr", "curie", "darwin", "dijkstra", "einstein", "euler", "faraday", "fermi", "feynman",
    "galileo", "gauss", "hopper", "hypatia", "kepler", "knuth", "lamarr", "lovelace", "maxwell", "meitner",
    "newton", "noether", "pascal", "planck", "ramanujan", "ritchie", "shannon", "tesla", "thompson", "turing",
    "volta", "wozniak", "yalow", "zuse"};

uint32_t random_u32() {
  uint32_t v = 0;
  while (::getrandom(&v, sizeof v, 0) != sizeof v) {
  }
  return v;
}
}  // namespace

std::string generate_container_name(const std::function<bool(const std::string&)>& taken) {
  for (int attempt = 0;; ++attempt) {
    std::string name = std::string(kAdjectives[random_u32() % kAdjectives.size()]) + "_" +
                       kSurnames[random_u32() % kSurnames.size()];
    if (attempt >= 5) name += std::to_string(random_u32() % 10);
    if (!taken(name)) return name;
  }
}

}  // namespace mydocker::daemon::containers
