// outlook-mail: the paging benchmark's smoke test, run by outlook_mail_decode_bench.
// SPDX-License-Identifier: BSL-1.0
//
// bench/run pages through chains of 1,000-message pages served by nginx; CI does not run
// it. What CI does check, cheaply and without a socket: the same typed paging code
// (bench/typed_paging.hpp), over a transport that answers from memory, returns the same
// checksum as boost::json::parse of the same bodies, in both dialects.
#pragma once

#include <outlook/graph.hpp>
#include <outlook/mail.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "message_pages.hpp"
#include "typed_paging.hpp"

namespace outlook_bench {

/// Answers every request with page K of `pages` when its URL ends in "page=K", and with
/// page 0 otherwise (the first request of a chain).
class memory_chain_transport final : public outlook::transport {
 public:
  explicit memory_chain_transport(std::vector<std::string> pages) : pages_(std::move(pages)) {}
  boost::asio::awaitable<outlook::http_response> send(outlook::http_request request) override {
    std::size_t index = 0;
    if (const auto at = request.url.rfind("page="); at != std::string::npos) index = std::stoul(request.url.substr(at + 5));
    outlook::http_response r;
    r.status = index < pages_.size() ? 200 : 404;
    r.headers.add("Content-Type", "application/json");
    if (index < pages_.size()) r.body = pages_[index];
    co_return r;
  }

 private:
  std::vector<std::string> pages_;
};

/// A chain of `page_count` pages of `per_page` messages, linked by next links under `base`.
inline std::vector<std::string> make_chain(dialect d, const std::string& base, int page_count, int per_page) {
  std::vector<std::string> pages;
  for (int i = 0; i < page_count; ++i) {
    page_spec spec;
    spec.kind = d;
    spec.count = per_page;
    spec.seed = 1000 + static_cast<std::uint64_t>(i);
    spec.body_size = 600;
    if (i + 1 < page_count) spec.next_link = base + "/me/messages?page=" + std::to_string(i + 1);
    pages.push_back(make_page(spec));
  }
  return pages;
}

/// Pages through a small chain of each dialect with the typed client and compares the
/// checksum with a plain parse. Returns an empty string when both agree, else what differs.
inline std::string paging_smoke() {
  std::string failures;
  auto run = [&](dialect d, auto make_client) {
    const std::string base = d == dialect::graph ? "https://127.0.0.1/v1.0" : "https://127.0.0.1/api/v2.0";
    const auto pages = make_chain(d, base, 3, 20);
    checksum plain;
    for (const auto& p : pages) checksum_plain(d, p, plain);
    outlook::client_options options;
    options.base_url = base;
    auto client = make_client(std::make_shared<memory_chain_transport>(pages), options);
    checksum typed;
    std::size_t page_count = 0;
    std::exception_ptr error;
    boost::asio::io_context ioc;
    boost::asio::co_spawn(ioc, typed_paging(client.me(), typed), [&](std::exception_ptr e, std::size_t n) {
      error = e;
      page_count = n;
    });
    ioc.run();
    const char* name = d == dialect::graph ? "graph" : "outlook";
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        failures += std::string(name) + ": " + e.what() + "\n";
      }
    } else if (page_count != pages.size() || !(typed == plain) || plain.messages != 60) {
      failures += std::string(name) + ": typed paging read " + std::to_string(page_count) + " pages, " +
                  std::to_string(typed.messages) + " messages, checksum " + std::to_string(typed.value) +
                  "; plain parse " + std::to_string(plain.messages) + " messages, checksum " + std::to_string(plain.value) + "\n";
    }
  };
  run(dialect::outlook, [](auto t, auto o) { return outlook::mail::client(t, outlook::fixed_token("bench"), o); });
  run(dialect::graph, [](auto t, auto o) { return outlook::graph::client(t, outlook::fixed_token("bench"), o); });
  return failures;
}

}  // namespace outlook_bench
