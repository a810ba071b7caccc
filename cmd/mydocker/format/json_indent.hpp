#pragma once
// Go's json.Indent over raw JSON text: the daemon's bytes (key order,
// escapes, number spelling) kept as they are, only the layout changed.
// `docker inspect` prints its array of objects this way, 4 spaces deep.
#include <string>
#include <string_view>

namespace mydocker::cli::format {

std::string json_indent(std::string_view raw, std::string_view indent = "    ");

}  // namespace mydocker::cli::format
