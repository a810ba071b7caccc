#include "common/detach_keys.hpp"

#include <cctype>

namespace mydocker {

Result<std::string> parse_detach_keys(const std::string& spec) {
  auto bad = [&] { return fail(Error::invalid("Invalid detach keys (" + spec + ") provided")); };
  std::string out;
  size_t i = 0;
  while (i <= spec.size()) {
    size_t comma = spec.find(',', i);
    std::string key = spec.substr(i, comma == std::string::npos ? std::string::npos : comma - i);
    if (key.size() == 1) {
      out.push_back(key[0]);
    } else if (key.size() == 6 && key.rfind("ctrl-", 0) == 0) {
      char c = char(std::tolower(static_cast<unsigned char>(key[5])));
      if (c >= 'a' && c <= 'z') out.push_back(char(c - 'a' + 1));
      else if (c == '@') out.push_back(0);
      else if (c == '[') out.push_back(27);
      else if (c == '\\') out.push_back(28);
      else if (c == ']') out.push_back(29);
      else if (c == '^') out.push_back(30);
      else if (c == '_') out.push_back(31);
      else return bad();
    } else {
      return bad();
    }
    if (comma == std::string::npos) break;
    i = comma + 1;
  }
  return out;
}

}  // namespace mydocker
