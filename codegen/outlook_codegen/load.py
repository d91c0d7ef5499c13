# SPDX-License-Identifier: BSL-1.0
"""Loading and checking an API description.

The JSON Schema (schema/api-description.schema.json) checks the shape; the checks here
are the ones a JSON Schema cannot express: every referenced type exists, no name is
repeated, path templates and parameters agree. Every message names the place.
"""
import hashlib
import json
import re
from pathlib import Path

import jsonschema

from .names import CPP_KEYWORDS

PRIMITIVES = {"String", "Boolean", "Int32", "Int64", "Double", "DateTimeOffset", "Date", "Binary", "TimeOfDay", "Json"}


# Names the generated code uses for its own locals and members; a parameter or an
# operation named so would not compile.
RESERVED_PARAMETER_NAMES = {"options", "r", "body", "o", "mb", "args", "opts", "pages", "all_pages", "pager"}
RESERVED_OPERATION_NAMES = {"context"}


class DescriptionError(Exception):
    """The API description is not valid; the message says where and why."""


def load(schema_path: Path, format_path: Path):
    """Returns (description dict, sha256 hex of the file bytes)."""
    raw = schema_path.read_bytes()
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as e:
        raise DescriptionError(f"{schema_path.name}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    except UnicodeDecodeError as e:
        raise DescriptionError(f"{schema_path.name}: byte {e.start}: not UTF-8 text") from None
    fmt = json.loads(format_path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(fmt)
    # The first error in document order (list indexes before member names at one level).
    errors = sorted(validator.iter_errors(doc),
                    key=lambda e: [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in e.absolute_path])
    if errors:
        e = errors[0]
        where = "/" + "/".join(str(p) for p in e.absolute_path)
        raise DescriptionError(f"{schema_path.name}: {describe_place(doc, e.absolute_path)} ({where}): {e.message}")
    check_semantics(doc)
    return doc, hashlib.sha256(raw).hexdigest()


# What an item of each list of the description is called in messages.
PLACE_KINDS = {"enums": "enum", "members": "member", "types": "type", "properties": "property",
               "operations": "operation", "parameters": "parameter", "well_known_folders": "folder",
               "path": "path choice"}


def describe_place(doc, path):
    """'type Message > property Subject' rather than a bare JSON pointer."""
    parts = []
    node, key = doc, None
    for p in path:
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(p, int) and key in PLACE_KINDS:
            label = node.get("name", node.get("template", f"#{p}"))
            parts.append(f"{PLACE_KINDS[key]} {label}")
        elif key is None and p == "service":
            parts.append("service")
        key = p
    return " > ".join(parts) if parts else "document"


def check_semantics(doc):
    names = {}
    for kind in ("enums", "types"):
        for item in doc[kind]:
            n = item["name"]
            if n in PRIMITIVES:
                raise DescriptionError(f"{kind[:-1]} {n}: the name is a primitive type")
            if n in names:
                raise DescriptionError(f"{kind[:-1]} {n}: the name is used twice")
            names[n] = kind
    for e in doc["enums"]:
        seen = set()
        for m in e["members"]:
            if m["name"].lower() in seen:
                raise DescriptionError(f"enum {e['name']}: member {m['name']} is repeated")
            seen.add(m["name"].lower())
    types = {t["name"]: t for t in doc["types"]}
    for t in doc["types"]:
        if "base" in t:
            if t["base"] not in types:
                raise DescriptionError(f"type {t['name']}: base {t['base']} is not a type of this description")
            chain, b = {t["name"]}, t["base"]
            while b:
                if b in chain:
                    raise DescriptionError(f"type {t['name']}: its bases form a cycle")
                chain.add(b)
                b = types[b].get("base")
        seen = set()
        for p in t["properties"]:
            if p["name"].lower() in seen:
                raise DescriptionError(f"type {t['name']}: property {p['name']} is repeated")
            seen.add(p["name"].lower())
            check_type_ref(p["type"], names, f"type {t['name']}, property {p['name']}")
    ops = set()
    for o in doc["operations"]:
        where = f"operation {o['name']}"
        if o["name"] in ops:
            raise DescriptionError(f"{where}: the name is used twice")
        if o["name"] in CPP_KEYWORDS or o["name"] in RESERVED_OPERATION_NAMES:
            raise DescriptionError(f"{where}: the name is a C++ keyword or used by the generated mailbox")
        ops.add(o["name"])
        params = {}
        for p in o["parameters"]:
            if p["name"] in params:
                raise DescriptionError(f"{where}: parameter {p['name']} is repeated")
            if p["name"] in CPP_KEYWORDS or p["name"] in RESERVED_PARAMETER_NAMES:
                raise DescriptionError(f"{where}, parameter {p['name']}: the name is a C++ keyword or "
                                       "used by the generated code")
            params[p["name"]] = p
            check_type_ref(p["type"], names, f"{where}, parameter {p['name']}")
            if p.get("patch") and not types.get(p["type"], {}).get("patch"):
                raise DescriptionError(f"{where}, parameter {p['name']}: type {p['type']} has no patch type")
            if p.get("omit_empty") and (p["in"] != "body" or p["type"] != "String" or p.get("optional")
                                        or p.get("collection") or not p.get("wire")):
                raise DescriptionError(f"{where}, parameter {p['name']}: omit_empty is for a required String "
                                       "body member")
        uploads = [p for p in o["parameters"] if p["in"] == "upload"]
        if uploads and not (o["response"] or {}).get("upload"):
            raise DescriptionError(f"{where}: an 'upload' parameter needs a response with upload: true")
        if len(uploads) > 1 or any(p["type"] != "Binary" or p.get("optional") for p in uploads):
            raise DescriptionError(f"{where}: an upload operation takes one required Binary 'upload' parameter")
        whole = [p for p in o["parameters"] if p["in"] == "body" and "wire" not in p]
        if o.get("request_body") == "mime_base64" and (len(whole) != 1 or whole[0]["type"] != "Binary"):
            raise DescriptionError(f"{where}: a mime_base64 body is one whole-body Binary parameter")
        members = [p for p in o["parameters"] if p["in"] == "body" and "wire" in p]
        if len(whole) > 1 or (whole and members):
            raise DescriptionError(f"{where}: a body is either one whole-body parameter or members with 'wire'")
        templates = o["path"] if isinstance(o["path"], list) else [{"template": o["path"]}]
        path_params = {n for n, p in params.items() if p["in"] == "path"}
        used, given_sets = set(), set()
        for choice in templates:
            found = set(re.findall(r"\{([a-z_][a-z0-9_]*)\}", choice["template"]))
            for f in found:
                if f not in path_params:
                    raise DescriptionError(f"{where}: path template names {{{f}}}, which is not a path parameter")
            for r in choice.get("requires", []):
                if r not in found:
                    raise DescriptionError(f"{where}: path choice requires {r} but its template does not use it")
            for f in sorted(found):
                if params[f].get("optional") and f not in choice.get("requires", []):
                    raise DescriptionError(f"{where}: path template {choice['template']} uses the optional "
                                           f"parameter {f} without listing it in 'requires'")
            given = frozenset(r for r in choice.get("requires", []) if params[r].get("optional"))
            if given in given_sets:
                raise DescriptionError(f"{where}: two path choices require the same optional parameters "
                                       "(the second could never be chosen)")
            given_sets.add(given)
            used |= found
        for n in path_params - used:
            raise DescriptionError(f"{where}: path parameter {n} is not used by any path template")
        if o["response"]:
            check_type_ref(o["response"]["type"], names, f"{where}, response")


def check_type_ref(name, names, where):
    if name not in PRIMITIVES and name not in names:
        raise DescriptionError(f"{where}: unknown type {name}")
