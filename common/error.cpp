#include "common/error.hpp"

#include <cstring>

namespace mydocker {

Error Error::wrap(std::string_view context) const {
  Error e = *this;
  e.message = std::string(context) + ": " + message;
  return e;
}

Error Error::from_errno(int err, std::string_view what) {
  Error e;
  e.kind = err == ENOENT ? ErrorKind::NotFound : ErrorKind::System;
  e.err_no = err;
  e.message = std::string(what) + ": " + std::strerror(err);
  return e;
}

}  // namespace mydocker
