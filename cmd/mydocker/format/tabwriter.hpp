#pragma once
// Go's text/tabwriter as Docker configures it (minwidth 10, padding 3,
// pad with spaces): tab-separated cells are aligned in columns; the last
// cell of a line is not padded. Widths count UTF-8 characters.
#include <string>

namespace mydocker::cli::format {

std::string tabwrite(const std::string& text, size_t minwidth = 10, size_t padding = 3);

// Number of UTF-8 code points.
size_t display_width(const std::string& s);
// Docker's Ellipsis: at most n characters, the last one "…" when cut.
std::string ellipsis(const std::string& s, size_t n);
// Go's strconv.Quote for the printable ASCII cases Docker shows.
std::string go_quote(const std::string& s);

}  // namespace mydocker::cli::format
