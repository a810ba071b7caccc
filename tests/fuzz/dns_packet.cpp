// The embedded DNS server's packet handling (daemon/networks/dns_server):
// the question it reads from a container's query and the answer it builds.
// The first byte picks how many addresses the name resolves to.
#include <cstdint>

#include "daemon/networks/dns_server.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace mydocker;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t n_ips = data[0] % 5;
  const std::string query(fuzz::as_view(data + 1, size - 1));
  std::string name;
  int qtype = -1;
  const bool ok = daemon::networks::dns_question(query, name, qtype);
  std::vector<uint32_t> ips;
  for (size_t i = 0; i < n_ips; ++i) ips.push_back(0xac110002u + uint32_t(i));  // 172.17.0.2...
  const std::string reply = daemon::networks::dns_answer(query, ips, data[0] / 5);
  if (ok != !reply.empty()) fuzz::property_failed("dns_answer disagrees with dns_question", name);
  if (!ok) return 0;
  if (qtype < 0 || qtype > 0xffff) fuzz::property_failed("question type out of range", name);
  if (reply.size() < 12 || reply.compare(0, 2, query, 0, 2) != 0) fuzz::property_failed("reply id", name);
  // The reply's own question must read back as the same name and type.
  std::string name2;
  int qtype2 = -1;
  if (!daemon::networks::dns_question(reply, name2, qtype2) || name2 != name || qtype2 != qtype)
    fuzz::property_failed("reply question differs", name);
  return 0;
}
