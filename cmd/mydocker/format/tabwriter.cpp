#include "format/tabwriter.hpp"

#include <vector>

namespace mydocker::cli::format {

size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string ellipsis(const std::string& s, size_t n) {
  if (display_width(s) <= n) return s;
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (chars == n - 1) break;
      ++chars;
    }
    out.push_back(s[i]);
  }
  return out + "…";
}

std::string go_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out.push_back(c);
    }
  }
  return out + "\"";
}

std::string tabwrite(const std::string& text, size_t minwidth, size_t padding) {
  std::vector<std::vector<std::string>> rows;
  size_t start = 0;
  bool trailing_newline = !text.empty() && text.back() == '\n';
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    std::vector<std::string> cells;
    size_t b = 0;
    for (;;) {
      size_t tab = line.find('\t', b);
      cells.push_back(line.substr(b, tab == std::string::npos ? std::string::npos : tab - b));
      if (tab == std::string::npos) break;
      b = tab + 1;
    }
    rows.push_back(std::move(cells));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  // A column's width comes from the cells that are followed by a tab.
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t c = 0; c + 1 < r.size(); ++c) {
      if (width.size() <= c) width.resize(c + 1, 0);
      width[c] = std::max(width[c], display_width(r[c]) + padding);
    }
  for (auto& w : width) w = std::max(w, minwidth);
  std::string out;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    for (size_t c = 0; c < r.size(); ++c) {
      out += r[c];
      if (c + 1 < r.size()) out.append(width[c] - display_width(r[c]), ' ');
    }
    if (i + 1 < rows.size() || trailing_newline) out += "\n";
  }
  return out;
}

}  // namespace mydocker::cli::format
