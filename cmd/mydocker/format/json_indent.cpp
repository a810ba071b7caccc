#include "format/json_indent.hpp"

#include <cctype>

namespace mydocker::cli::format {

std::string json_indent(std::string_view raw, std::string_view indent) {
  std::string out;
  out.reserve(raw.size() * 2);
  int depth = 0;
  bool need_newline = false;  // after an opening bracket with content
  auto newline = [&] {
    out.push_back('\n');
    for (int i = 0; i < depth; ++i) out.append(indent);
  };
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (need_newline && c != ']' && c != '}') {
      need_newline = false;
      ++depth;
      newline();
    }
    if (c == '"') {
      const size_t b = i++;
      while (i < raw.size() && raw[i] != '"') i += raw[i] == '\\' ? 2 : 1;
      out.append(raw.substr(b, i - b + 1));
      continue;
    }
    switch (c) {
      case '{':
      case '[':
        out.push_back(c);
        need_newline = true;
        break;
      case '}':
      case ']':
        if (need_newline) {
          need_newline = false;  // empty: "{}" or "[]"
        } else {
          --depth;
          newline();
        }
        out.push_back(c);
        break;
      case ',':
        out.push_back(',');
        newline();
        break;
      case ':':
        out.append(": ");
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace mydocker::cli::format
