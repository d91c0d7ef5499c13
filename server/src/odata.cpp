// OData query options: tokenizer, recursive-descent $filter parser, evaluator (see odata.hpp).
//
// SPDX-License-Identifier: BSL-1.0
#include "odata.hpp"
#include "ascii.hpp"

#include <outlook/date_time.hpp>
#include <outlook/detail/percent.hpp>
#include <outlook/http.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace outlook::server::odata {
namespace {

[[noreturn]] void bad_filter(const std::string& why) {
  throw service_error(400, "ErrorInvalidUrlQueryFilter", "The $filter expression is not supported or invalid: " + why);
}

// ---- tokens ---------------------------------------------------------------------------

struct token {
  enum kind_t { end, ident, string, number, datetime, lparen, rparen, comma, colon } kind = end;
  std::string text;
};

class lexer {
 public:
  explicit lexer(std::string_view s) : s_(s) {}

  token next() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ >= s_.size()) return {token::end, {}};
    const char c = s_[pos_];
    if (c == '(') return ++pos_, token{token::lparen, "("};
    if (c == ')') return ++pos_, token{token::rparen, ")"};
    if (c == ',') return ++pos_, token{token::comma, ","};
    if (c == ':') return ++pos_, token{token::colon, ":"};
    if (c == '\'') {
      std::string out;
      ++pos_;
      for (;;) {
        if (pos_ >= s_.size()) bad_filter("a string literal is not closed");
        if (s_[pos_] == '\'') {
          if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '\'') {
            out += '\'';
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        out += s_[pos_++];
      }
      return {token::string, out};
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
      const std::size_t start = pos_;
      ++pos_;
      bool date = false;
      while (pos_ < s_.size()) {
        const char d = s_[pos_];
        if (std::isdigit(static_cast<unsigned char>(d)) || d == '.') {
          ++pos_;
        } else if ((d == '-' || d == 'T' || d == ':' || d == 'Z' || d == '+') && pos_ - start >= 4) {
          date = true;
          ++pos_;
        } else {
          break;
        }
      }
      return {date ? token::datetime : token::number, std::string(s_.substr(start, pos_ - start))};
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '@') {
      const std::size_t start = pos_;
      while (pos_ < s_.size()) {
        const char d = s_[pos_];
        if (std::isalnum(static_cast<unsigned char>(d)) || d == '_' || d == '/' || d == '.' || d == '@') ++pos_;
        else break;
      }
      return {token::ident, std::string(s_.substr(start, pos_ - start))};
    }
    bad_filter(std::string("unexpected character '") + c + "'");
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

// ---- syntax tree ----------------------------------------------------------------------

struct filter::node {
  enum kind_t { op_and, op_or, op_not, compare, call, property, literal, any_all } kind;
  std::string op;                            // comparison operator or function name
  std::vector<std::unique_ptr<node>> args;   // operands
  std::string path;                          // property: path; any_all: collection path
  std::string variable;                      // any_all: lambda variable
  bool is_all = false;
  boost::json::value value;                  // literal
  bool is_datetime = false;                  // literal written as a date-time
};

namespace {

using node = filter::node;
using node_ptr = std::unique_ptr<node>;

bool is_keyword(const token& t, std::string_view k) { return t.kind == token::ident && outlook::iequals(t.text, k); }

class parser {
 public:
  parser(std::string_view text, std::vector<std::string>& properties) : lex_(text), properties_(properties) {
    advance();
  }

  node_ptr parse() {
    auto n = parse_or();
    if (cur_.kind != token::end) bad_filter("unexpected '" + cur_.text + "'");
    return n;
  }

 private:
  void advance() { cur_ = lex_.next(); }
  void expect(token::kind_t k, const char* what) {
    if (cur_.kind != k) bad_filter(std::string("expected ") + what + (cur_.text.empty() ? "" : " before '" + cur_.text + "'"));
    advance();
  }

  node_ptr binary(node::kind_t kind, node_ptr a, node_ptr b) {
    auto n = std::make_unique<node>();
    n->kind = kind;
    n->args.push_back(std::move(a));
    n->args.push_back(std::move(b));
    return n;
  }

  node_ptr parse_or() {
    auto left = parse_and();
    while (is_keyword(cur_, "or")) {
      advance();
      left = binary(node::op_or, std::move(left), parse_and());
    }
    return left;
  }

  node_ptr parse_and() {
    auto left = parse_unary();
    while (is_keyword(cur_, "and")) {
      advance();
      left = binary(node::op_and, std::move(left), parse_unary());
    }
    return left;
  }

  node_ptr parse_unary() {
    if (++depth_ > 100) bad_filter("the expression is nested too deeply");
    node_ptr out;
    if (is_keyword(cur_, "not")) {
      advance();
      out = std::make_unique<node>();
      out->kind = node::op_not;
      out->args.push_back(parse_unary());
    } else {
      out = parse_comparison();
    }
    --depth_;
    return out;
  }

  node_ptr parse_comparison() {
    auto left = parse_operand();
    if (cur_.kind == token::ident) {
      static constexpr std::string_view ops[] = {"eq", "ne", "gt", "ge", "lt", "le"};
      for (auto op : ops) {
        if (outlook::iequals(cur_.text, op)) {
          advance();
          auto n = binary(node::compare, std::move(left), parse_operand());
          n->op = std::string(op);
          return n;
        }
      }
      if (!is_keyword(cur_, "and") && !is_keyword(cur_, "or"))
        bad_filter("the operator '" + cur_.text + "' is not supported (supported: eq ne gt ge lt le and or not)");
    }
    return left;
  }

  node_ptr parse_operand() {
    if (cur_.kind == token::lparen) {
      advance();
      auto n = parse_or();
      expect(token::rparen, "')'");
      return n;
    }
    auto n = std::make_unique<node>();
    switch (cur_.kind) {
      case token::string:
        n->kind = node::literal;
        n->value = cur_.text;
        advance();
        return n;
      case token::number: {
        n->kind = node::literal;
        double d = 0;
        const auto* first = cur_.text.data();
        const auto* last = first + cur_.text.size();
        auto [p, ec] = std::from_chars(first, last, d);
        if (ec != std::errc{} || p != last) bad_filter("'" + cur_.text + "' is not a number");
        n->value = d;
        advance();
        return n;
      }
      case token::datetime:
        if (!outlook::parse_date_time(cur_.text)) bad_filter("'" + cur_.text + "' is not a date-time");
        n->kind = node::literal;
        n->value = cur_.text;
        n->is_datetime = true;
        advance();
        return n;
      case token::ident:
        break;
      default:
        bad_filter(cur_.kind == token::end ? "the expression ends too early" : "unexpected '" + cur_.text + "'");
    }
    std::string name = cur_.text;
    advance();
    if (outlook::iequals(name, "true") || outlook::iequals(name, "false")) {
      n->kind = node::literal;
      n->value = outlook::iequals(name, "true");
      return n;
    }
    if (outlook::iequals(name, "null")) {
      n->kind = node::literal;
      return n;
    }
    if (cur_.kind == token::lparen) {
      const auto slash = name.rfind('/');
      const std::string last = lower(slash == std::string::npos ? name : name.substr(slash + 1));
      if (slash != std::string::npos && (last == "any" || last == "all")) return parse_lambda(name.substr(0, slash), last == "all");
      static constexpr std::string_view functions[] = {"startswith", "endswith", "contains", "tolower", "toupper"};
      const std::string fn = lower(name);
      if (std::find(std::begin(functions), std::end(functions), fn) == std::end(functions))
        bad_filter("the function '" + name + "' is not supported (supported: startswith endswith contains tolower toupper any all)");
      advance();
      n->kind = node::call;
      n->op = fn;
      n->args.push_back(parse_or());
      while (cur_.kind == token::comma) {
        advance();
        n->args.push_back(parse_or());
      }
      expect(token::rparen, "')'");
      const std::size_t arity = (fn == "tolower" || fn == "toupper") ? 1 : 2;
      if (n->args.size() != arity) bad_filter("'" + name + "' takes " + std::to_string(arity) + " argument(s)");
      return n;
    }
    n->kind = node::property;
    n->path = name;
    note_property(name);
    return n;
  }

  node_ptr parse_lambda(std::string collection, bool all) {
    advance();  // '('
    auto n = std::make_unique<node>();
    n->kind = node::any_all;
    n->is_all = all;
    n->path = collection;
    note_property(collection);
    if (cur_.kind != token::ident) bad_filter("expected a lambda variable after '" + collection + "/any('");
    n->variable = cur_.text;
    advance();
    expect(token::colon, "':'");
    variables_.push_back(n->variable);
    n->args.push_back(parse_or());
    variables_.pop_back();
    expect(token::rparen, "')'");
    return n;
  }

  void note_property(const std::string& path) {
    // Paths inside a lambda start with its variable; they are not properties of the item.
    const auto first = path.substr(0, path.find('/'));
    for (const auto& v : variables_)
      if (v == first) return;
    const std::string l = lower(path);
    if (std::find(properties_.begin(), properties_.end(), l) == properties_.end()) properties_.push_back(l);
  }

  lexer lex_;
  token cur_;
  std::vector<std::string>& properties_;
  std::vector<std::string> variables_;
  int depth_ = 0;
};

// ---- evaluation -----------------------------------------------------------------------

struct scope {
  const boost::json::object* item;
  std::vector<std::pair<std::string, const boost::json::value*>> variables;
};

const boost::json::value* resolve(const scope& s, const std::string& path) {
  const auto slash = path.find('/');
  const std::string first = path.substr(0, slash);
  for (auto it = s.variables.rbegin(); it != s.variables.rend(); ++it) {
    if (it->first == first) {
      if (slash == std::string::npos) return it->second;
      if (!it->second || !it->second->is_object()) return nullptr;
      return lookup(it->second->as_object(), std::string_view(path).substr(slash + 1));
    }
  }
  return lookup(*s.item, path);
}

boost::json::value eval(const node& n, const scope& s);

bool truthy(const boost::json::value& v) { return v.is_bool() && v.as_bool(); }

std::string as_text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return {};
}

boost::json::value eval(const node& n, const scope& s) {
  switch (n.kind) {
    case node::literal:
      return n.value;
    case node::property: {
      const auto* v = resolve(s, n.path);
      return v ? *v : boost::json::value();
    }
    case node::op_and:
      return truthy(eval(*n.args[0], s)) && truthy(eval(*n.args[1], s));
    case node::op_or:
      return truthy(eval(*n.args[0], s)) || truthy(eval(*n.args[1], s));
    case node::op_not:
      return !truthy(eval(*n.args[0], s));
    case node::compare: {
      const auto a = eval(*n.args[0], s);
      const auto b = eval(*n.args[1], s);
      if (n.op == "eq" || n.op == "ne") {
        const bool equal = (a.is_null() || b.is_null()) ? (a.is_null() && b.is_null()) : compare_values(&a, &b) == 0;
        return n.op == "eq" ? equal : !equal;
      }
      if (a.is_null() || b.is_null()) return false;
      const int c = compare_values(&a, &b);
      if (n.op == "gt") return c > 0;
      if (n.op == "ge") return c >= 0;
      if (n.op == "lt") return c < 0;
      return c <= 0;
    }
    case node::call: {
      if (n.op == "tolower" || n.op == "toupper") {
        auto t = as_text(eval(*n.args[0], s));
        for (auto& c : t)
          c = static_cast<char>(n.op == "tolower" ? std::tolower(static_cast<unsigned char>(c))
                                                  : std::toupper(static_cast<unsigned char>(c)));
        return boost::json::value(t);
      }
      const auto hay = lower(as_text(eval(*n.args[0], s)));
      const auto needle = lower(as_text(eval(*n.args[1], s)));
      if (n.op == "startswith") return hay.starts_with(needle);
      if (n.op == "endswith") return hay.ends_with(needle);
      return hay.find(needle) != std::string::npos;
    }
    case node::any_all: {
      const auto* coll = resolve(s, n.path);
      if (!coll || !coll->is_array()) return n.is_all;
      scope inner = s;
      for (const auto& element : coll->as_array()) {
        inner.variables.emplace_back(n.variable, &element);
        const bool hit = truthy(eval(*n.args[0], inner));
        inner.variables.pop_back();
        if (hit && !n.is_all) return true;
        if (!hit && n.is_all) return false;
      }
      return n.is_all;
    }
  }
  return nullptr;
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto comma = s.find(',', start);
    auto part = s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::int64_t parse_count(std::string_view name, std::string_view v) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || n < 0)
    throw service_error(400, "ErrorInvalidUrlQuery", "The query parameter '" + std::string(name) + "' is invalid: '" +
                                                         std::string(v) + "' is not a non-negative integer.");
  return n;
}

}  // namespace

filter::filter(std::string_view text) {
  parser p(text, properties_);
  root_ = p.parse();
}
filter::~filter() = default;
filter::filter(filter&&) noexcept = default;
filter& filter::operator=(filter&&) noexcept = default;

bool filter::matches(const boost::json::object& item) const {
  scope s{&item, {}};
  return truthy(eval(*root_, s));
}

const boost::json::value* lookup(const boost::json::object& item, std::string_view path) {
  const boost::json::object* obj = &item;
  const boost::json::value* found = nullptr;
  while (true) {
    const auto slash = path.find('/');
    const auto name = path.substr(0, slash);
    found = nullptr;
    for (const auto& [k, v] : *obj) {
      if (outlook::iequals(k, name)) {
        found = &v;
        break;
      }
    }
    if (!found || slash == std::string_view::npos) return found;
    if (!found->is_object()) return nullptr;
    obj = &found->as_object();
    path.remove_prefix(slash + 1);
  }
}

int compare_values(const boost::json::value* a, const boost::json::value* b) {
  const bool an = !a || a->is_null();
  const bool bn = !b || b->is_null();
  if (an || bn) return an == bn ? 0 : (an ? -1 : 1);
  if (a->is_bool() && b->is_bool()) return static_cast<int>(a->as_bool()) - static_cast<int>(b->as_bool());
  if (a->is_number() && b->is_number()) {
    const double x = a->to_number<double>();
    const double y = b->to_number<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a->is_string() && b->is_string()) {
    const std::string_view x = a->as_string();
    const std::string_view y = b->as_string();
    // Date-times compare as instants, whatever their spelling.
    if (x.size() >= 10 && y.size() >= 10 && x[4] == '-' && y[4] == '-') {
      const auto tx = outlook::parse_date_time(x);
      const auto ty = outlook::parse_date_time(y);
      if (tx && ty) return *tx < *ty ? -1 : (*tx > *ty ? 1 : 0);
    }
    const auto lx = lower(x);
    const auto ly = lower(y);
    return lx < ly ? -1 : (lx > ly ? 1 : 0);
  }
  // Different kinds: order by kind so that sorting stays consistent.
  return static_cast<int>(a->kind()) < static_cast<int>(b->kind()) ? -1 : 1;
}

bool search_matches(const boost::json::object& item, std::string_view search) {
  std::string text(search);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  std::string hay;
  for (const char* path : {"subject", "body/content", "from/emailAddress/name", "from/emailAddress/address"}) {
    if (const auto* v = lookup(item, path); v && v->is_string()) {
      hay += lower(v->as_string());
      hay += '\n';
    }
  }
  for (const auto& word : split_list([&] {
         std::string t = lower(text);
         std::replace(t.begin(), t.end(), ' ', ',');
         return t;
       }())) {
    if (hay.find(word) == std::string::npos) return false;
  }
  return true;
}

query parse_query(std::string_view qs) {
  query q;
  std::size_t start = 0;
  while (start <= qs.size() && !qs.empty()) {
    const auto amp = qs.find('&', start);
    const auto pair = qs.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      std::string name = outlook::detail::percent_decode(pair.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? "" : outlook::detail::percent_decode(pair.substr(eq + 1), true);
      q.raw.emplace_back(name, value);
      std::string key = lower(name);
      if (!key.empty() && key[0] == '$') key.erase(0, 1);
      if (key == "filter") q.filter_text = value;
      else if (key == "search") q.search = value;
      else if (key == "select") q.select = split_list(value);
      else if (key == "expand") q.expand = split_list(value);
      else if (key == "top") q.top = parse_count("$top", value);
      else if (key == "skip") q.skip = parse_count("$skip", value);
      else if (key == "count") {
        if (value != "true" && value != "false")
          throw service_error(400, "ErrorInvalidUrlQuery", "The query parameter '$count' must be true or false.");
        q.count = value == "true";
      } else if (key == "orderby") {
        for (const auto& part : split_list(value)) {
          order_key k;
          const auto space = part.find(' ');
          k.path = part.substr(0, space);
          if (space != std::string::npos) {
            std::string dir = lower(part.substr(space + 1));
            while (!dir.empty() && dir.front() == ' ') dir.erase(0, 1);
            if (dir == "desc") k.descending = true;
            else if (dir != "asc")
              throw service_error(400, "ErrorInvalidUrlQuery", "The $orderby direction '" + dir + "' is invalid.");
          }
          q.orderby.push_back(k);
        }
      } else if (key == "deltatoken") q.delta_token = value;
      else if (key == "skiptoken") q.skip_token = value;
      else if (name.starts_with("$"))
        throw service_error(400, "ErrorInvalidUrlQuery", "The query parameter '" + name + "' is not supported.");
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return q;
}

void check_combination(const query& q, const filter* f) {
  if (q.search && q.filter_text)
    throw service_error(400, "ErrorInvalidUrlQuery", "The query parameter '$filter' is invalid with '$search'.");
  if (q.search && !q.orderby.empty())
    throw service_error(400, "ErrorInvalidUrlQuery", "The query parameter 'OrderBy' is invalid.");
  if (f && !q.orderby.empty()) {
    // The service's rule: every $orderby property is also in $filter, in the same order,
    // and before any filter property that is not sorted on; so the sort keys are the
    // first properties the filter names.
    const auto& props = f->properties();
    bool ok = q.orderby.size() <= props.size();
    for (std::size_t i = 0; ok && i < q.orderby.size(); ++i) ok = lower(q.orderby[i].path) == props[i];
    if (!ok)
      throw service_error(400, "InefficientFilter", "The restriction or sort order is too complex for this operation.");
  }
}

}  // namespace outlook::server::odata
