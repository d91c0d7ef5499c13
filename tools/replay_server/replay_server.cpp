// The loopback replay server (outlook_mail_replay_server, the demo):
// outlook::testing::https_test_server answering from a cassette through
// outlook::testing::replay_transport. See replay_server.hpp.
// SPDX-License-Identifier: BSL-1.0
#include "replay_server.hpp"

#include <outlook/testing/https_test_server.hpp>
#include <outlook/testing/replay_transport.hpp>

#include <boost/json/serialize.hpp>

#include <atomic>
#include <mutex>
#include <random>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace outlook_demo {
namespace {

constexpr std::string_view service_origin = "https://outlook.office.com";
constexpr std::string_view service_origins[] = {"https://outlook.office.com", "https://outlook.office365.com"};

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}

/// "https://127.0.0.1:4433/api/v2.0/me?x" -> "https://outlook.office.com/api/v2.0/me?x"
std::string to_service_url(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const auto path = url.find('/', scheme + 3);
  return std::string(service_origin) + std::string(path == std::string_view::npos ? std::string_view("/") : url.substr(path));
}

std::filesystem::path temp_ca_path() {
  std::random_device rd;
  return std::filesystem::temp_directory_path() /
         ("outlook-mail-demo-ca-" + std::to_string(rd()) + "-" + std::to_string(rd()) + ".pem");
}

}  // namespace

struct replay_server::impl {
  explicit impl(std::vector<outlook::testing::interaction> interactions)
      : total(interactions.size()),
        replay(std::move(interactions)),
        server([this](outlook::http_request r) { return handle(std::move(r)); }) {
    origin = server.url("", "127.0.0.1");
    ca_file = server.write_ca_file(temp_ca_path());
  }

  boost::asio::awaitable<outlook::http_response> handle(outlook::http_request request) {
    request.url = to_service_url(request.url);
    outlook::http_response response;
    try {
      response = co_await replay.send(std::move(request));
    } catch (const std::exception& e) {
      {
        std::lock_guard lock(mutex);
        if (mismatch.empty()) mismatch = e.what();
      }
      boost::json::object error{{"code", "DemoRequestNotRecorded"}, {"message", e.what()}};
      co_return outlook::http_response{
          400, {{"Content-Type", "application/json"}}, boost::json::serialize(boost::json::object{{"error", error}})};
    }
    answered_count = replay.consumed();
    outlook::http_headers headers;
    for (auto [name, value] : response.headers) {  // Location, Content-Location, ...
      for (auto from : service_origins) replace_all(value, from, origin);
      headers.add(std::move(name), std::move(value));
    }
    response.headers = std::move(headers);
    for (auto from : service_origins) replace_all(response.body, from, origin);
    co_return response;
  }

  std::size_t total;
  outlook::testing::replay_transport replay;
  std::atomic<std::size_t> answered_count{0};
  std::mutex mutex;
  std::string mismatch;
  std::string origin;
  std::filesystem::path ca_file;
  outlook::testing::https_test_server server;  // last: stopped first, before what its handler uses
};

replay_server::replay_server(const std::filesystem::path& cassette_file) {
  impl_ = std::make_unique<impl>(outlook::testing::load_cassette(cassette_file).interactions);
}

replay_server::~replay_server() {
  stop();
  std::error_code ignored;
  std::filesystem::remove(impl_->ca_file, ignored);
}

std::string replay_server::origin() const { return impl_->origin; }
const std::filesystem::path& replay_server::ca_file() const { return impl_->ca_file; }
std::size_t replay_server::interactions() const { return impl_->total; }
std::size_t replay_server::answered() const { return impl_->answered_count.load(); }
std::size_t replay_server::connections_accepted() const { return impl_->server.connections_accepted(); }
std::string replay_server::first_mismatch() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->mismatch;
}
void replay_server::stop() { impl_->server.stop(); }

}  // namespace outlook_demo
