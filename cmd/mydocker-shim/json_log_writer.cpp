#include "json_log_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "common/time.hpp"

namespace mydocker::shim {

namespace {
constexpr size_t kMaxLine = 16 * 1024;

// Length of a valid UTF-8 sequence at s[i], or 0.
size_t utf8_len(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  if (n == 2 && c < 0xC2) return 0;  // overlong
  return n;
}

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk must not stop the container
    data.remove_prefix(size_t(n));
  }
}
}  // namespace

namespace {
// Bytes that are copied as they are: printable ASCII except what JSON (or
// Go's HTML-safe encoder, as Docker's logs have it) escapes.
struct PlainBytes {
  bool plain[256] = {};
  constexpr PlainBytes() {
    for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
  }
};
constexpr PlainBytes kPlain;
}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + 16);
  for (size_t i = 0; i < s.size();) {
    // Runs of plain bytes in one append: most log text is nothing else.
    size_t run = i;
    while (run < s.size() && kPlain.plain[static_cast<unsigned char>(s[run])]) ++run;
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      if (i == s.size()) break;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = utf8_len(s, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(char(c));
        }
    }
    ++i;
  }
}

void JsonLogWriter::emit(int stream, std::string_view line) {
  out_ += "{\"log\":\"";
  append_json_escaped(out_, line);
  out_ += stream == 2 ? "\",\"stream\":\"stderr\",\"time\":\"" : "\",\"stream\":\"stdout\",\"time\":\"";
  out_ += time_;
  out_ += "\"}\n";
}

void JsonLogWriter::flush() {
  write_all(fd_, out_);
  out_.clear();
}

void JsonLogWriter::write(int stream, std::string_view data) {
  // One timestamp and one write(2) per chunk read from the container: the
  // lines of a chunk arrived together.
  time_ = timeutil::format_rfc3339_nano(timeutil::now_ns());
  write_lines(stream, data);
  flush();
}

void JsonLogWriter::write_lines(int stream, std::string_view data) {
  std::string& held = partial_[stream];
  while (!data.empty()) {
    size_t nl = data.find('\n');
    if (nl == std::string_view::npos) {
      held.append(data);
      if (held.size() >= kMaxLine) {
        emit(stream, held);
        held.clear();
      }
      return;
    }
    if (held.empty()) {
      emit(stream, data.substr(0, nl + 1));
    } else {
      held.append(data.substr(0, nl + 1));
      emit(stream, held);
      held.clear();
    }
    data.remove_prefix(nl + 1);
  }
}

void JsonLogWriter::flush_partial() {
  time_ = timeutil::format_rfc3339_nano(timeutil::now_ns());
  for (int s = 1; s <= 2; ++s) {
    if (!partial_[s].empty()) emit(s, partial_[s]);
    partial_[s].clear();
  }
  flush();
}

}  // namespace mydocker::shim
