// Compile-fail cases of the API contract: "a generated *_patch per entity, only writable
// SPDX-License-Identifier: BSL-1.0
// properties" -- setting a read-only property must not compile. Exactly one case macro is
// defined per target (tests/compile_fail/CMakeLists.txt):
//   OUTLOOK_CASE_CONTROL             writable properties: must compile (guards the others
//                                    against failing for an unrelated reason)
//   OUTLOOK_CASE_ID                  .id("x")                    must fail
//   OUTLOOK_CASE_IS_DRAFT            .is_draft(true)             must fail
//   OUTLOOK_CASE_RECEIVED_DATE_TIME  .received_date_time(...)    must fail
#include <outlook/mail/message.hpp>

outlook::mail::message_patch compile_fail_case();

outlook::mail::message_patch compile_fail_case() {
#if defined(OUTLOOK_CASE_CONTROL)
  return outlook::mail::message_patch{}.is_read(true).subject("x").importance(outlook::mail::importance::high).categories(
      nullptr);
#elif defined(OUTLOOK_CASE_ID)
  return outlook::mail::message_patch{}.id("x");
#elif defined(OUTLOOK_CASE_IS_DRAFT)
  return outlook::mail::message_patch{}.is_draft(true);
#elif defined(OUTLOOK_CASE_RECEIVED_DATE_TIME)
  return outlook::mail::message_patch{}.received_date_time(outlook::date_time{});
#else
#error "define one OUTLOOK_CASE_* macro"
#endif
}
