// outlook-mail testing: a self-signed certificate made at run time with OpenSSL, for
// loopback HTTPS servers (the test server, the demo's replay server, the local mailbox
// server). Only OpenSSL's headers are needed here, not Beast or Asio.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace outlook::testing {

struct certificate_and_key {
  std::string certificate_pem;
  std::string private_key_pem;
};

/// A self-signed EC P-256 certificate valid for one day, for the given names.
inline certificate_and_key make_self_signed_certificate(const std::vector<std::string>& dns_names,
                                                        const std::vector<std::string>& ip_addresses) {
  auto fail = [](const char* what) { return std::runtime_error(std::string("self-signed certificate: ") + what); };
  std::unique_ptr<EVP_PKEY, decltype(&::EVP_PKEY_free)> key(::EVP_EC_gen("P-256"), &::EVP_PKEY_free);
  if (!key) throw fail("cannot generate a key");
  std::unique_ptr<X509, decltype(&::X509_free)> cert(::X509_new(), &::X509_free);
  if (!cert) throw fail("cannot allocate a certificate");

  ::X509_set_version(cert.get(), 2);
  std::unique_ptr<BIGNUM, decltype(&::BN_free)> serial(::BN_new(), &::BN_free);
  if (!serial || !::BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      !::BN_to_ASN1_INTEGER(serial.get(), ::X509_get_serialNumber(cert.get())))
    throw fail("cannot set the serial number");
  ::X509_gmtime_adj(::X509_getm_notBefore(cert.get()), -3600);
  ::X509_gmtime_adj(::X509_getm_notAfter(cert.get()), 24 * 3600);
  if (!::X509_set_pubkey(cert.get(), key.get())) throw fail("cannot set the public key");

  const std::string common_name =
      !dns_names.empty() ? dns_names.front() : (!ip_addresses.empty() ? ip_addresses.front() : "outlook-mail test");
  X509_NAME* name = ::X509_get_subject_name(cert.get());
  ::X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("outlook-mail tests"),
                               -1, -1, 0);
  ::X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                               -1, -1, 0);
  ::X509_set_issuer_name(cert.get(), name);

  std::string san;
  for (const auto& d : dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + d;
  for (const auto& ip : ip_addresses) san += (san.empty() ? "IP:" : ",IP:") + ip;

  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  auto add_extension = [&](int nid, const std::string& value) {
    X509_EXTENSION* ext = ::X509V3_EXT_nconf_nid(nullptr, &v3, nid, value.c_str());
    if (!ext) throw fail("cannot make a certificate extension");
    const int ok = ::X509_add_ext(cert.get(), ext, -1);
    ::X509_EXTENSION_free(ext);
    if (!ok) throw fail("cannot add a certificate extension");
  };
  add_extension(NID_basic_constraints, "critical,CA:TRUE");
  add_extension(NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_extension(NID_ext_key_usage, "serverAuth");
  add_extension(NID_subject_key_identifier, "hash");
  if (!san.empty()) add_extension(NID_subject_alt_name, san);
  if (!::X509_sign(cert.get(), key.get(), ::EVP_sha256())) throw fail("cannot sign the certificate");

  auto to_pem = [&](auto write) {
    std::unique_ptr<BIO, decltype(&::BIO_free)> bio(::BIO_new(::BIO_s_mem()), &::BIO_free);
    if (!bio || !write(bio.get())) throw fail("cannot write PEM");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
  };
  certificate_and_key out;
  out.certificate_pem = to_pem([&](BIO* b) { return ::PEM_write_bio_X509(b, cert.get()); });
  out.private_key_pem = to_pem(
      [&](BIO* b) { return ::PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  return out;
}

}  // namespace outlook::testing
