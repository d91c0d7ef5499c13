// outlook-mail: inflating a gzip response body as it is read (zlib).
// SPDX-License-Identifier: BSL-1.0
//
// Included by the Beast transport's implementation only, so that only the one translation
// unit that compiles the transport sees zlib.
#pragma once

#include <boost/system/error_code.hpp>

#include <zlib.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace outlook::detail {

/// What can go wrong with a gzip body.
enum class gzip_errc {
  corrupt = 1,     // not a gzip stream, or damaged (zlib's message is kept by the inflater)
  truncated,       // the body ended before the gzip stream did
  trailing_data,   // bytes after the end of the gzip stream
  too_large,       // the inflated body passed the response size limit (a decompression bomb)
};

class gzip_category_impl final : public boost::system::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "outlook.gzip"; }
  [[nodiscard]] std::string message(int value) const override {
    switch (static_cast<gzip_errc>(value)) {
      case gzip_errc::corrupt: return "corrupt gzip body";
      case gzip_errc::truncated: return "gzip body ends before its gzip stream does";
      case gzip_errc::trailing_data: return "bytes after the end of the gzip stream";
      case gzip_errc::too_large: return "inflated body larger than the limit";
    }
    return "gzip error";
  }
};

[[nodiscard]] inline const boost::system::error_category& gzip_category() noexcept {
  static const gzip_category_impl category;
  return category;
}

[[nodiscard]] inline boost::system::error_code make_error_code(gzip_errc e) noexcept {
  return {static_cast<int>(e), gzip_category()};
}

/// Inflates one gzip stream fed in pieces; each piece of output goes to `out` at once, so
/// memory stays one 64 KiB buffer whatever the body's size. `limit` bounds the inflated
/// total: the response size limit applies to what the body becomes, not to its wire size.
class gzip_inflater {
 public:
  explicit gzip_inflater(std::size_t limit) : limit_(limit) {
    stream_.zalloc = Z_NULL;
    stream_.zfree = Z_NULL;
    stream_.opaque = Z_NULL;
    ok_ = ::inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;  // 16: a gzip header, not zlib's
  }
  gzip_inflater(const gzip_inflater&) = delete;
  gzip_inflater& operator=(const gzip_inflater&) = delete;
  ~gzip_inflater() {
    if (ok_) ::inflateEnd(&stream_);
  }

  /// Inflates `in`, calling out(std::string_view) with each piece of output.
  template <class Out>
  boost::system::error_code feed(std::string_view in, Out&& out) {
    if (!ok_) return make_error_code(gzip_errc::corrupt);
    if (in.empty()) return {};
    if (ended_) return make_error_code(gzip_errc::trailing_data);
    // zlib's avail_in is an unsigned int; the transport's pieces are far smaller.
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream_.avail_in = static_cast<uInt>(in.size());
    for (;;) {
      stream_.next_out = reinterpret_cast<Bytef*>(buffer_);
      stream_.avail_out = sizeof buffer_;
      const int rc = ::inflate(&stream_, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {  // Z_DATA_ERROR, Z_NEED_DICT, ...
        if (stream_.msg) problem_ = stream_.msg;
        return make_error_code(gzip_errc::corrupt);
      }
      const std::size_t produced = sizeof buffer_ - stream_.avail_out;
      total_ += produced;
      if (total_ > limit_) return make_error_code(gzip_errc::too_large);
      if (produced > 0) out(std::string_view(buffer_, produced));
      if (rc == Z_STREAM_END) {
        ended_ = true;
        return stream_.avail_in > 0 ? make_error_code(gzip_errc::trailing_data) : boost::system::error_code{};
      }
      // Output room left means the input is used up; a full buffer may have more behind it.
      if (stream_.avail_out != 0) return {};
    }
  }

  /// At the end of the body: whether the gzip stream ended too.
  [[nodiscard]] boost::system::error_code finish() const {
    if (!ok_) return make_error_code(gzip_errc::corrupt);
    return ended_ ? boost::system::error_code{} : make_error_code(gzip_errc::truncated);
  }

  [[nodiscard]] std::size_t inflated() const noexcept { return total_; }
  /// zlib's description of a corrupt stream ("incorrect header check"), if it gave one.
  [[nodiscard]] const std::string& problem() const noexcept { return problem_; }

 private:
  z_stream stream_{};
  char buffer_[64 * 1024];
  std::size_t limit_;
  std::size_t total_ = 0;
  std::string problem_;
  bool ok_ = false;
  bool ended_ = false;
};

}  // namespace outlook::detail
