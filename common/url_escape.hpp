#pragma once
// Percent-encoding of a URL path segment (names, ids, digests): %XX for
// every byte but the unreserved ones, as Go's url.PathEscape nearly does.
#include <string>
#include <string_view>

namespace mydocker {

std::string url_path_escape(std::string_view s);

}  // namespace mydocker
