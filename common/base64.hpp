#pragma once
// base64 as Docker's wire uses it: the standard alphabet for Basic auth and
// config.json, the URL-safe one for X-Registry-Auth. Decoding takes either
// alphabet, with or without padding.
#include <string>
#include <string_view>

namespace mydocker::base64 {

std::string encode(std::string_view data, bool url_safe = false);
// False when text holds a character of neither alphabet.
bool decode(std::string_view text, std::string& out);

}  // namespace mydocker::base64
