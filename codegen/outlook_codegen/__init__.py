"""outlook-mail code generator: API description (JSON) -> header-only C++20 binding."""
