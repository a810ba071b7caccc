#include "format/tabwriter.hpp"

#include <algorithm>
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

namespace {
// Go's text/tabwriter: a column is a block of consecutive lines that all have
// a tab-terminated cell at that index; each block gets its own width.
struct TabWriter {
  std::vector<std::vector<std::string>> lines;
  std::vector<size_t> widths;
  size_t minwidth, padding;
  std::string out;

  void write_lines(size_t line0, size_t line1) {
    for (size_t i = line0; i < line1; ++i) {
      const auto& line = lines[i];
      for (size_t j = 0; j < line.size(); ++j) {
        out += line[j];
        if (j < widths.size()) out.append(widths[j] - std::min(widths[j], display_width(line[j])), ' ');
      }
      if (i + 1 < lines.size()) out += "\n";
    }
  }

  void format(size_t line0, size_t line1) {
    const size_t column = widths.size();
    for (size_t cur = line0; cur < line1; ++cur) {
      if (column + 1 >= lines[cur].size()) continue;
      // A block of this column starts here.
      write_lines(line0, cur);
      line0 = cur;
      size_t width = minwidth;
      for (; cur < line1; ++cur) {
        if (column + 1 >= lines[cur].size()) break;
        width = std::max(width, display_width(lines[cur][column]) + padding);
      }
      widths.push_back(width);
      format(line0, cur);
      widths.pop_back();
      line0 = cur;
      --cur;  // the loop's ++ revisits the line that ended the block
    }
    write_lines(line0, line1);
  }
};
}  // namespace

std::string tabwrite(const std::string& text, size_t minwidth, size_t padding) {
  TabWriter w{{}, {}, minwidth, padding, {}};
  size_t start = 0;
  for (;;) {
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
    w.lines.push_back(std::move(cells));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  // Text ending in "\n" leaves an empty last line: it ends the output.
  w.format(0, w.lines.size());
  return w.out;
}

}  // namespace mydocker::cli::format
