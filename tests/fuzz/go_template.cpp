// The CLI's Go text/template subset (--format): parse any text, and execute
// what parses against a container-like document. Input: "template" or
// "template\0json data" (the data replaces the built-in document when it
// parses as JSON).
#include <cstdint>

#include "format/template.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace mydocker;
using cli::format::Template;

namespace {
const nlohmann::ordered_json& sample() {
  static const auto doc = nlohmann::ordered_json::parse(R"({
    "Id": "3f2a1b9c8d7e", "Name": "/web", "Names": ["web", "front"], "Image": "busybox:latest",
    "State": {"Status": "running", "Running": true, "Pid": 4242, "ExitCode": 0},
    "Config": {"Hostname": "h", "Env": ["A=1", "B=2"], "Labels": {"z": "1", "a": "2", "com.x": "y"},
               "Cmd": ["sh", "-c", "true"], "Tty": false},
    "Size": 1234567, "Ratio": 0.5, "Nothing": null, "Empty": {}, "List": [],
    "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.2", "Aliases": null}}}
  })");
  return doc;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts = fuzz::split_parts(fuzz::as_view(data, size), 2);
  std::string text = parts[0];
  (void)cli::format::strip_table_directive(text);
  text = cli::format::expand_format_escapes(text);
  auto tmpl = Template::parse(text);
  if (!tmpl) return 0;
  const nlohmann::ordered_json* doc = &sample();
  nlohmann::ordered_json custom;
  if (parts.size() > 1) {
    custom = nlohmann::ordered_json::parse(parts[1], nullptr, false);
    if (!custom.is_discarded()) doc = &custom;
  }
  (void)tmpl->execute(*doc);
  (void)tmpl->execute(nlohmann::json(*doc));
  (void)cli::format::go_print(*doc);
  return 0;
}
