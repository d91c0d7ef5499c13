# SPDX-License-Identifier: BSL-1.0
"""outlook-mail code generator: API description (JSON) -> header-only C++20 binding."""
