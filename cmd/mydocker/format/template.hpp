#pragma once
// A Go text/template subset, enough for Docker's --format strings:
// {{.A.B}}, {{json .X}}, {{index .M "k"}}, {{.Label "k"}}, {{range}},
// {{if}}/{{else}}, {{with}}, pipelines, variables, {{- -}} trimming, and
// Docker's functions (json, join, split, upper, lower, title, truncate,
// pad, println, len, printf, index, eq, ne, not, and, or).
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.hpp"

namespace mydocker::cli::format {

class Template {
 public:
  // InvalidParameter "template parsing error: ..." on a bad template.
  static Result<Template> parse(const std::string& text);
  // The data keeps the order of its source (Go structs print fields in
  // order; {{json .}} of inspect output matches docker's).
  Result<std::string> execute(const nlohmann::ordered_json& data) const;
  Result<std::string> execute(const nlohmann::json& data) const;

  struct Node;
  Template();
  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;
  ~Template();

 private:
  std::shared_ptr<Node> root_;
};

// Go's default formatting of a value (%v): strings raw, 1 not 1.0, maps as
// map[k:v], arrays as [a b], null as <no value>.
std::string go_print(const nlohmann::ordered_json& v);

// As docker's list formatters: trims spaces, then turns the two-character
// sequences \t and \n into a tab and a newline.
std::string expand_format_escapes(std::string format);

// Docker's "table" directive: returns true and strips it when present.
bool strip_table_directive(std::string& format);

}  // namespace mydocker::cli::format
