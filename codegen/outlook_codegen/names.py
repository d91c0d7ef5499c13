# SPDX-License-Identifier: BSL-1.0
"""Spelling rules: wire names (PascalCase) to C++ names (snake_case)."""
import re

CPP_KEYWORDS = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case",
    "catch", "char", "class", "compl", "concept", "const", "consteval", "constexpr", "constinit",
    "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete", "do",
    "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not",
    "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
    "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static", "static_assert",
    "static_cast", "struct", "switch", "template", "this", "thread_local", "throw", "true", "try",
    "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
    "wchar_t", "while", "xor", "xor_eq",
}

# Member names the generated structs and patches use for themselves; a property may not take them.
RESERVED_MEMBERS = {"extra", "field", "unrecognized", "odata_type", "empty"}


def snake(name: str) -> str:
    """PascalCase or camelCase to snake_case: IsRead -> is_read, HTML -> html, IPAddress -> ip_address."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return s.lower()


def cpp_identifier(name: str) -> str:
    """A snake_case name that is safe as a C++ identifier (keywords get a trailing underscore)."""
    s = snake(name)
    return s + "_" if s in CPP_KEYWORDS else s
