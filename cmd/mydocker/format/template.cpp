#include "format/template.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <cstdio>
#include <map>
#include <vector>

namespace mydocker::cli::format {

using json = nlohmann::ordered_json;

namespace {

// ---- tokens of one action -------------------------------------------------
enum class Tok { Field, Var, String, Number, Ident, Pipe, Declare, Comma, LParen, RParen, Dot };
struct Token {
  Tok kind;
  std::string text;                // ident/string/number text, var name
  std::vector<std::string> path;   // field chain
};

Error parse_error(const std::string& msg) { return Error::invalid("template parsing error: template: :1: " + msg); }

Result<std::vector<Token>> lex(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  auto chain = [&](Token& t) {
    while (i < s.size() && s[i] == '.' && i + 1 < s.size() && (std::isalnum((unsigned char)s[i + 1]) || s[i + 1] == '_')) {
      ++i;
      size_t b = i;
      while (i < s.size() && (std::isalnum((unsigned char)s[i]) || s[i] == '_')) ++i;
      t.path.push_back(s.substr(b, i - b));
    }
  };
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace((unsigned char)c)) { ++i; continue; }
    if (c == '|') { out.push_back({Tok::Pipe, "|", {}}); ++i; continue; }
    if (c == ',') { out.push_back({Tok::Comma, ",", {}}); ++i; continue; }
    if (c == '(') { out.push_back({Tok::LParen, "(", {}}); ++i; continue; }
    if (c == ')') { out.push_back({Tok::RParen, ")", {}}); ++i; continue; }
    if (c == ':' && i + 1 < s.size() && s[i + 1] == '=') { out.push_back({Tok::Declare, ":=", {}}); i += 2; continue; }
    if (c == '"' || c == '`') {
      char q = c;
      std::string v;
      ++i;
      while (i < s.size() && s[i] != q) {
        if (q == '"' && s[i] == '\\' && i + 1 < s.size()) {
          char e = s[++i];
          v.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
        } else {
          v.push_back(s[i]);
        }
        ++i;
      }
      if (i >= s.size()) return fail(parse_error("unterminated quoted string"));
      ++i;
      out.push_back({Tok::String, v, {}});
      continue;
    }
    if (c == '.') {
      Token t{Tok::Field, "", {}};
      chain(t);
      if (t.path.empty()) { t.kind = Tok::Dot; ++i; }
      out.push_back(t);
      continue;
    }
    if (c == '$') {
      size_t b = i++;
      while (i < s.size() && (std::isalnum((unsigned char)s[i]) || s[i] == '_')) ++i;
      Token t{Tok::Var, s.substr(b, i - b), {}};
      chain(t);
      out.push_back(t);
      continue;
    }
    if (std::isdigit((unsigned char)c) || (c == '-' && i + 1 < s.size() && std::isdigit((unsigned char)s[i + 1]))) {
      size_t b = i++;
      while (i < s.size() && (std::isdigit((unsigned char)s[i]) || s[i] == '.')) ++i;
      out.push_back({Tok::Number, s.substr(b, i - b), {}});
      continue;
    }
    if (std::isalpha((unsigned char)c) || c == '_') {
      size_t b = i;
      while (i < s.size() && (std::isalnum((unsigned char)s[i]) || s[i] == '_')) ++i;
      out.push_back({Tok::Ident, s.substr(b, i - b), {}});
      continue;
    }
    return fail(parse_error(std::string("unexpected \"") + c + "\" in command"));
  }
  return out;
}

// ---- parsed form ------------------------------------------------------------
struct Pipeline;
struct Arg {
  Token tok;
  std::shared_ptr<Pipeline> sub;  // (parenthesised pipeline)
};
struct Command {
  std::vector<Arg> args;
};
struct Pipeline {
  std::vector<std::string> decl;  // $k, $v :=
  std::vector<Command> cmds;
};

Result<std::shared_ptr<Pipeline>> parse_pipeline(const std::vector<Token>& toks, size_t& i, bool in_paren) {
  auto p = std::make_shared<Pipeline>();
  // Variable declarations: "$v :=" or "$k, $v :=".
  size_t j = i;
  std::vector<std::string> vars;
  while (j < toks.size() && toks[j].kind == Tok::Var && toks[j].path.empty()) {
    vars.push_back(toks[j].text);
    ++j;
    if (j < toks.size() && toks[j].kind == Tok::Comma) { ++j; continue; }
    break;
  }
  if (!vars.empty() && j < toks.size() && toks[j].kind == Tok::Declare) {
    p->decl = vars;
    i = j + 1;
  }
  Command cur;
  while (i < toks.size()) {
    const Token& t = toks[i];
    if (t.kind == Tok::RParen) {
      if (!in_paren) return fail(parse_error("unexpected right paren"));
      ++i;
      break;
    }
    if (t.kind == Tok::Pipe) {
      if (cur.args.empty()) return fail(parse_error("missing command before |"));
      p->cmds.push_back(std::move(cur));
      cur = Command{};
      ++i;
      continue;
    }
    if (t.kind == Tok::LParen) {
      ++i;
      TRY_ASSIGN(auto sub, parse_pipeline(toks, i, true));
      cur.args.push_back({Token{Tok::Dot, "", {}}, sub});
      continue;
    }
    cur.args.push_back({t, nullptr});
    ++i;
  }
  if (!cur.args.empty()) p->cmds.push_back(std::move(cur));
  if (p->cmds.empty()) return fail(parse_error("missing value for command"));
  return p;
}

}  // namespace

struct Template::Node {
  enum Kind { List, Text, Action, If, Range, With } kind = List;
  std::string text;
  std::shared_ptr<Pipeline> pipe;
  std::vector<std::shared_ptr<Node>> body, otherwise;
};

namespace {
using NodeP = std::shared_ptr<Template::Node>;

struct Parser {
  std::vector<std::pair<bool, std::string>> pieces;  // (is_action, text)
  size_t pos = 0;

  // Parses nodes until {{end}} / {{else}}; returns which one stopped it.
  Result<std::string> parse_list(std::vector<NodeP>& out) {
    while (pos < pieces.size()) {
      auto [is_action, text] = pieces[pos++];
      if (!is_action) {
        auto n = std::make_shared<Template::Node>();
        n->kind = Template::Node::Text;
        n->text = text;
        out.push_back(n);
        continue;
      }
      TRY_ASSIGN(auto toks, lex(text));
      if (toks.empty()) return fail(parse_error("missing value for command"));
      if (toks[0].kind == Tok::Ident && (toks[0].text == "end" || toks[0].text == "else")) {
        if (toks[0].text == "else" && toks.size() > 1) {
          // "else if ...": an if nested in the else branch.
          if (toks[1].kind != Tok::Ident || toks[1].text != "if") return fail(parse_error("unexpected tokens after else"));
          const size_t after_else = text.find("else") + 4;
          const std::string cond = text.substr(text.find("if", after_else) + 2);
          auto n = std::make_shared<Template::Node>();
          TRY_VOID(parse_block(n, Template::Node::If, cond));
          out.push_back(n);
          return std::string("else-if");
        }
        return toks[0].text;
      }
      if (toks[0].kind == Tok::Ident && (toks[0].text == "if" || toks[0].text == "range" || toks[0].text == "with")) {
        auto n = std::make_shared<Template::Node>();
        auto kind = toks[0].text == "if" ? Template::Node::If : toks[0].text == "range" ? Template::Node::Range
                                                                                        : Template::Node::With;
        TRY_VOID(parse_block(n, kind, text.substr(text.find(toks[0].text) + toks[0].text.size())));
        out.push_back(n);
        continue;
      }
      auto n = std::make_shared<Template::Node>();
      n->kind = Template::Node::Action;
      size_t i = 0;
      TRY_ASSIGN(n->pipe, parse_pipeline(toks, i, false));
      out.push_back(n);
    }
    return std::string();
  }

  Result<void> parse_block(NodeP n, Template::Node::Kind kind, const std::string& rest) {
    n->kind = kind;
    TRY_ASSIGN(auto toks, lex(rest));
    size_t i = 0;
    TRY_ASSIGN(n->pipe, parse_pipeline(toks, i, false));
    TRY_ASSIGN(std::string stop, parse_list(n->body));
    if (stop == "else") {
      TRY_ASSIGN(stop, parse_list(n->otherwise));
    } else if (stop == "else-if") {
      n->otherwise.push_back(n->body.back());
      n->body.pop_back();
      return {};  // the nested if consumed the {{end}}
    }
    if (stop != "end") return fail(parse_error("unexpected EOF"));
    return {};
  }
};

// ---- evaluation -------------------------------------------------------------
struct Scope {
  json dot;
  std::map<std::string, json> vars;
};

bool truthy(const json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string() || v.is_array() || v.is_object()) return !v.empty();
  return true;
}

Result<json> field(const json& base, const std::vector<std::string>& path) {
  const json* cur = &base;
  static const json null_value;
  for (const auto& p : path) {
    if (!cur->is_object()) return fail(Error::invalid("template: executing at <." + p + ">: can't evaluate field " + p));
    auto it = cur->find(p);
    if (it == cur->end()) return null_value;
    cur = &*it;
  }
  return *cur;
}

std::string title_case(std::string s) {
  bool start = true;
  for (auto& c : s) {
    if (start && std::isalpha((unsigned char)c)) c = char(std::toupper((unsigned char)c));
    start = std::isspace((unsigned char)c);
  }
  return s;
}

// pad and truncate's counts: a[i] when it is a number. Negative is an
// error, as Go's strings.Repeat and slicing panic on it (get<size_t>() of
// -1 was 2^64-1, and of -1.5 undefined behaviour).
constexpr size_t kMaxPad = 1 << 20;
Result<size_t> count_arg(const std::vector<json>& a, size_t i, size_t fallback, const std::string& fn) {
  if (i >= a.size() || !a[i].is_number()) return fallback;
  const double d = a[i].get<double>();
  if (!(d >= 0)) return fail(Error::invalid("template: error calling " + fn + ": negative count"));
  return d >= double(std::numeric_limits<uint32_t>::max()) ? size_t(std::numeric_limits<uint32_t>::max()) : size_t(d);
}

Result<json> call_function(const std::string& name, const std::vector<json>& a) {
  auto str = [&](size_t i) { return i < a.size() ? (a[i].is_string() ? a[i].get<std::string>() : go_print(a[i])) : std::string(); };
  if (name == "json") {
    if (a.empty()) return fail(Error::invalid("template: wrong number of args for json"));
    if (!a[0].is_object() || !a[0].contains("__row")) return json(a[0].dump(-1, ' ', false, json::error_handler_t::replace));
    // A ps/images row: its fields as docker marshals them (HTML-escaped),
    // without the helpers kept for {{.Label}}.
    json row = a[0];
    row.erase("__row");
    row.erase("LabelsMap");
    std::string out;
    for (char c : row.dump(-1, ' ', false, json::error_handler_t::replace)) {
      if (c == '<') out += "\\u003c";
      else if (c == '>') out += "\\u003e";
      else if (c == '&') out += "\\u0026";
      else out.push_back(c);
    }
    return json(out);
  }
  if (name == "upper" || name == "lower") {
    std::string s = str(0);
    for (auto& c : s) c = char(name == "upper" ? std::toupper((unsigned char)c) : std::tolower((unsigned char)c));
    return json(s);
  }
  if (name == "title") return json(title_case(str(0)));
  if (name == "join") {
    std::string out;
    if (!a.empty() && a[0].is_array())
      for (size_t i = 0; i < a[0].size(); ++i) out += (i ? str(1) : "") + (a[0][i].is_string() ? a[0][i].get<std::string>() : go_print(a[0][i]));
    return json(out);
  }
  if (name == "split") {
    json out = json::array();
    std::string s = str(0), sep = str(1);
    if (sep.empty()) return json::array({s});
    size_t b = 0, e;
    while ((e = s.find(sep, b)) != std::string::npos) {
      out.push_back(s.substr(b, e - b));
      b = e + sep.size();
    }
    out.push_back(s.substr(b));
    return out;
  }
  if (name == "len") return json(a.empty() || a[0].is_null() ? 0 : a[0].is_string() ? a[0].get<std::string>().size() : a[0].size());
  if (name == "index") {
    json cur = a.empty() ? json() : a[0];
    for (size_t i = 1; i < a.size(); ++i) {
      if (cur.is_object() && a[i].is_string()) cur = cur.value(a[i].get<std::string>(), json());
      else if (cur.is_array() && a[i].is_number_integer() && a[i].get<size_t>() < cur.size()) cur = cur[a[i].get<size_t>()];
      else cur = json();
    }
    return cur;
  }
  if (name == "println" || name == "print") {
    std::string out;
    for (size_t i = 0; i < a.size(); ++i) out += (i ? " " : "") + str(i);
    return json(out + (name == "println" ? "\n" : ""));
  }
  if (name == "printf") {
    // %s / %v / %d with Go's printing of each argument.
    std::string f = str(0), out;
    size_t arg = 1;
    for (size_t i = 0; i < f.size(); ++i) {
      if (f[i] == '%' && i + 1 < f.size()) {
        char v = f[++i];
        if (v == '%') out.push_back('%');
        else if (v == 'q') out += "\"" + str(arg++) + "\"";
        else out += str(arg++);
      } else {
        out.push_back(f[i]);
      }
    }
    return json(out);
  }
  if (name == "truncate") {
    std::string s = str(0);
    TRY_ASSIGN(size_t n, count_arg(a, 1, s.size(), name));
    return json(s.substr(0, n));
  }
  if (name == "pad") {
    TRY_ASSIGN(size_t l, count_arg(a, 1, 0, name));
    TRY_ASSIGN(size_t r, count_arg(a, 2, 0, name));
    if (l > kMaxPad || r > kMaxPad) return fail(Error::invalid("template: error calling pad: padding too large"));
    return json(std::string(l, ' ') + str(0) + std::string(r, ' '));
  }
  if (name == "not") return json(a.empty() || !truthy(a[0]));
  if (name == "eq") {
    for (size_t i = 1; i < a.size(); ++i)
      if (a[i] == a[0]) return json(true);
    return json(false);
  }
  if (name == "ne") return json(a.size() >= 2 && a[0] != a[1]);
  if (name == "and") {
    for (const auto& v : a)
      if (!truthy(v)) return v;
    return a.empty() ? json() : a.back();
  }
  if (name == "or") {
    for (const auto& v : a)
      if (truthy(v)) return v;
    return a.empty() ? json() : a.back();
  }
  return fail(Error::invalid("template parsing error: template: :1: function \"" + name + "\" not defined"));
}

Result<json> eval_pipeline(const Pipeline& p, Scope& s);
constexpr const char* kHeaderLabels = "<header>";

Result<json> eval_arg(const Arg& a, Scope& s) {
  if (a.sub) return eval_pipeline(*a.sub, s);
  switch (a.tok.kind) {
    case Tok::Dot: return s.dot;
    case Tok::Field: return field(s.dot, a.tok.path);
    case Tok::Var: {
      auto it = s.vars.find(a.tok.text);
      if (it == s.vars.end()) return fail(Error::invalid("template parsing error: undefined variable \"" + a.tok.text + "\""));
      return field(it->second, a.tok.path);
    }
    case Tok::String: return json(a.tok.text);
    case Tok::Number: {
      // No std::stoll/stod: they throw on 20 digits, and the exception
      // would abort the CLI. Go reads such a number as a float.
      const std::string& t = a.tok.text;
      int64_t n = 0;
      if (t.find('.') == std::string::npos) {
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
        if (ec == std::errc() && end == t.data() + t.size()) return json(n);
      }
      const double d = std::strtod(t.c_str(), nullptr);
      if (!std::isfinite(d)) return fail(Error::invalid("template: number out of range: " + t));
      return json(d);
    }
    case Tok::Ident:
      if (a.tok.text == "true") return json(true);
      if (a.tok.text == "false") return json(false);
      if (a.tok.text == "nil") return json();
      return call_function(a.tok.text, {});
    default: return fail(Error::invalid("template: unexpected token"));
  }
}

Result<json> eval_command(const Command& c, Scope& s, const json* piped) {
  const Arg& head = c.args.front();
  std::vector<json> args;
  for (size_t i = 1; i < c.args.size(); ++i) {
    TRY_ASSIGN(json v, eval_arg(c.args[i], s));
    args.push_back(std::move(v));
  }
  if (piped) args.push_back(*piped);
  if (head.tok.kind == Tok::Ident && !head.sub && head.tok.text != "true" && head.tok.text != "false" &&
      head.tok.text != "nil")
    return call_function(head.tok.text, args);
  // {{.Label "key"}}: Docker's method on list rows.
  if (head.tok.kind == Tok::Field && !args.empty() && head.tok.path.back() == "Label") {
    std::vector<std::string> labels_path(head.tok.path.begin(), head.tok.path.end() - 1);
    labels_path.push_back("LabelsMap");
    TRY_ASSIGN(json labels, field(s.dot, labels_path));
    if (labels.is_object() && args[0].is_string()) return labels.value(args[0].get<std::string>(), json(""));
    // The header row of a table names the label itself.
    if (labels.is_string() && labels.get<std::string>() == kHeaderLabels && args[0].is_string()) return args[0];
    return json("");
  }
  if (!args.empty()) return fail(Error::invalid("template: can't give argument to non-function"));
  return eval_arg(head, s);
}

Result<json> eval_pipeline(const Pipeline& p, Scope& s) {
  json value;
  bool have = false;
  for (const auto& c : p.cmds) {
    TRY_ASSIGN(value, eval_command(c, s, have ? &value : nullptr));
    have = true;
  }
  if (p.decl.size() == 1) s.vars[p.decl[0]] = value;
  return value;
}

Result<void> exec_list(const std::vector<NodeP>& nodes, Scope& s, std::string& out);

Result<void> exec_node(const Template::Node& n, Scope& s, std::string& out) {
  using K = Template::Node;
  switch (n.kind) {
    case K::Text: out += n.text; return {};
    case K::Action: {
      TRY_ASSIGN(json v, eval_pipeline(*n.pipe, s));
      if (n.pipe->decl.empty()) out += go_print(v);
      return {};
    }
    case K::If: {
      TRY_ASSIGN(json v, eval_pipeline(*n.pipe, s));
      return exec_list(truthy(v) ? n.body : n.otherwise, s, out);
    }
    case K::With: {
      TRY_ASSIGN(json v, eval_pipeline(*n.pipe, s));
      if (!truthy(v)) return exec_list(n.otherwise, s, out);
      Scope inner{v, s.vars};
      return exec_list(n.body, inner, out);
    }
    case K::Range: {
      Pipeline p = *n.pipe;
      auto decl = p.decl;
      p.decl.clear();
      TRY_ASSIGN(json v, eval_pipeline(p, s));
      if (!truthy(v)) return exec_list(n.otherwise, s, out);
      auto each = [&](const json& key, const json& val) -> Result<void> {
        Scope inner{val, s.vars};
        if (decl.size() == 1) inner.vars[decl[0]] = val;
        if (decl.size() == 2) {
          inner.vars[decl[0]] = key;
          inner.vars[decl[1]] = val;
        }
        return exec_list(n.body, inner, out);
      };
      if (v.is_object()) {
        // Go ranges over a map in key order.
        std::map<std::string, const json*> keys;
        for (auto it = v.begin(); it != v.end(); ++it) keys[it.key()] = &it.value();
        for (const auto& [k, val] : keys) TRY_VOID(each(json(k), *val));
      } else if (v.is_array()) {
        for (size_t i = 0; i < v.size(); ++i) TRY_VOID(each(json(i), v[i]));
      }
      return {};
    }
    case K::List: return exec_list(n.body, s, out);
  }
  return {};
}

Result<void> exec_list(const std::vector<NodeP>& nodes, Scope& s, std::string& out) {
  for (const auto& n : nodes) TRY_VOID(exec_node(*n, s, out));
  return {};
}

// Splits text and {{actions}}, applying {{- and -}} trimming.
Result<std::vector<std::pair<bool, std::string>>> split_pieces(const std::string& t) {
  std::vector<std::pair<bool, std::string>> out;
  size_t i = 0;
  bool trim_next = false;
  while (i <= t.size()) {
    size_t open = t.find("{{", i);
    std::string text = t.substr(i, open == std::string::npos ? std::string::npos : open - i);
    if (trim_next) text.erase(0, text.find_first_not_of(" \t\r\n") == std::string::npos ? text.size() : text.find_first_not_of(" \t\r\n"));
    if (open == std::string::npos) {
      if (!text.empty()) out.push_back({false, text});
      break;
    }
    size_t close = t.find("}}", open + 2);
    if (close == std::string::npos) return fail(parse_error("unclosed action"));
    std::string action = t.substr(open + 2, close - open - 2);
    if (action.size() >= 2 && action[0] == '-' && std::isspace((unsigned char)action[1])) {
      text.erase(text.find_last_not_of(" \t\r\n") == std::string::npos ? 0 : text.find_last_not_of(" \t\r\n") + 1);
      action.erase(0, 1);
    }
    trim_next = false;
    if (action.size() >= 2 && action.back() == '-' && std::isspace((unsigned char)action[action.size() - 2])) {
      trim_next = true;
      action.pop_back();
    }
    if (!text.empty()) out.push_back({false, text});
    if (action.find_first_not_of(" \t") != std::string::npos && action.rfind("/*", 0) != 0) out.push_back({true, action});
    i = close + 2;
  }
  return out;
}

}  // namespace

Template::Template() = default;
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

Result<Template> Template::parse(const std::string& text) {
  Parser p;
  TRY_ASSIGN(p.pieces, split_pieces(text));
  Template t;
  t.root_ = std::make_shared<Node>();
  TRY_ASSIGN(std::string stop, p.parse_list(t.root_->body));
  if (!stop.empty()) return fail(parse_error("unexpected {{" + stop + "}}"));
  return t;
}

Result<std::string> Template::execute(const nlohmann::json& data) const {
  return execute(json::parse(data.dump()));
}

Result<std::string> Template::execute(const json& data) const {
  std::string out;
  Scope s{data, {{"$", data}}};
  TRY_VOID(exec_list(root_->body, s, out));
  return out;
}

std::string go_print(const json& v) {
  if (v.is_null()) return "<no value>";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) {
    double d = v.get<double>();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", d);
    return buf;
  }
  if (v.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + go_print(v[i]);
    return out + "]";
  }
  // Go prints maps with their keys sorted.
  std::map<std::string, const json*> keys;
  for (auto it = v.begin(); it != v.end(); ++it) keys[it.key()] = &it.value();
  std::string out = "map[";
  bool first = true;
  for (const auto& [k, val] : keys) {
    out += (first ? "" : " ") + k + ":" + go_print(*val);
    first = false;
  }
  return out + "]";
}

std::string expand_format_escapes(std::string f) {
  size_t b = f.find_first_not_of(' '), e = f.find_last_not_of(' ');
  f = b == std::string::npos ? std::string() : f.substr(b, e - b + 1);
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '\\' && i + 1 < f.size() && (f[i + 1] == 't' || f[i + 1] == 'n')) {
      out.push_back(f[++i] == 't' ? '\t' : '\n');
      continue;
    }
    out.push_back(f[i]);
  }
  return out;
}

bool strip_table_directive(std::string& f) {
  size_t b = f.find_first_not_of(" \t");
  if (b == std::string::npos || f.compare(b, 5, "table") != 0) return false;
  f = f.substr(b + 5);
  size_t s = f.find_first_not_of(" \t");
  f = s == std::string::npos ? "" : f.substr(s);
  return true;
}

}  // namespace mydocker::cli::format
