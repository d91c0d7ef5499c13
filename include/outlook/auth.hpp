// outlook-mail: sign-in with the Microsoft identity platform (v2.0 endpoints).
//
// Token providers that plug into a client as its token_provider:
//   outlook::auth::device_code_provider         a user signs in on another device (delegated)
//   outlook::auth::refresh_token_provider       silent renewal from a stored refresh token
//   outlook::auth::client_credentials_provider  app-only, with a client secret
// Each caches its token until shortly before expiry and lets concurrent callers share one
// refresh. Failures are outlook::auth::auth_error. See docs/sign-in.md.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "outlook/auth/auth_error.hpp"
#include "outlook/auth/authority.hpp"
#include "outlook/auth/client_credentials.hpp"
#include "outlook/auth/device_code.hpp"
#include "outlook/auth/form.hpp"
#include "outlook/auth/refresh_token.hpp"
