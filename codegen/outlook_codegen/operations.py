# SPDX-License-Identifier: BSL-1.0
"""The C++ view of operations: signatures, path building, bodies, results."""
import re
from dataclasses import dataclass, field as dc_field

from .load import PRIMITIVES


@dataclass
class Param:
    name: str
    where: str            # "path" or "body"
    wire: str | None      # body member name; None = the whole body
    optional: bool
    arg_type: str         # C++ parameter type
    value_type: str       # C++ value type (for options members / decoding in tests)
    type_name: str
    collection: bool
    patch: bool
    description: str
    to_path: str = ""     # expression turning the argument into path text
    body_expr: str = ""   # expression encoded into the body
    holder: str = ""      # type that holds the argument when read from JSON (tests)
    omit_empty: bool = False  # an empty string is not sent (the member is left out)


@dataclass
class PathChoice:
    requires: list
    segments: list        # each: list of ("lit", text) / ("param", name)


@dataclass
class OperationView:
    name: str
    group: str
    description: str
    method: str
    preview: bool
    status: int
    choices: list
    required: list            # positional parameters, in order
    optional_path: list       # optional path parameters (overloads)
    option_args: list         # optional body parameters (members of the options struct)
    body_whole: object
    body_members: list
    result_kind: str          # void | single | collection | value | sync | delta | raw | upload
    item_type: str            # C++ type of the entity / item
    result_type: str
    query_options: list
    prefer_options: list
    options_name: str
    request_body: str = "json"    # json | mime_base64
    body_limit: object = None     # {"bytes": N, "message": "..."} or None
    content_member: str = ""      # base64 member that an overload streams to a byte_sink
    overloads: list = dc_field(default_factory=list)
    params: list = dc_field(default_factory=list)


def build_operations(model):
    ops = []
    for o in model.doc["operations"]:
        params = [make_param(model, p) for p in o["parameters"]]
        choices_raw = o["path"] if isinstance(o["path"], list) else [{"template": o["path"]}]
        choices = [PathChoice(c.get("requires", []), parse_template(c["template"])) for c in choices_raw]
        required = [p for p in params if not p.optional]
        optional_path = [p for p in params if p.optional and p.where == "path"]
        option_args = [p for p in params if p.optional and p.where == "body"]
        body_whole = next((p for p in params if p.where == "body" and p.wire is None), None)
        delta = model.service["change_tracking"].get("style") == "delta_function"
        body_members = [p for p in params if p.where == "body" and p.wire is not None]
        resp = o["response"]
        if resp is None:
            kind, item, result = "void", "", "void"
        else:
            item = model.value_type(resp["type"])
            if resp.get("raw"):
                kind, result = "raw", "outlook::bytes"
            elif resp.get("upload"):
                kind, result = "upload", "std::string"
            elif resp.get("sync"):
                kind, result = ("delta" if delta else "sync"), f"outlook::sync_result<{item}>"
            elif resp.get("collection"):
                kind, result = "collection", f"outlook::page<{item}>"
            elif resp.get("value_wrapped"):
                kind, result = "value", f"outlook::value_envelope<{item}>"
            else:
                kind, result = "single", item
        view = OperationView(o["name"], o["group"], o["description"], o["method"], bool(o.get("preview")), o["status"],
                             choices, required, optional_path, option_args, body_whole, body_members, kind, item,
                             result, o.get("query_options", []), o.get("prefer_options", []), o["name"] + "_options")
        view.request_body = o.get("request_body", "json")
        view.body_limit = o.get("body_limit")
        view.content_member = (resp or {}).get("content_member", "") if kind == "single" else ""
        view.params = params
        view.overloads = overloads(view)
        ops.append(view)
    return ops


def overloads(op):
    """One overload per path choice: the choice's optional path parameters become positional."""
    out = []
    for choice in op.choices:
        given = {p.name for p in op.optional_path if p.name in choice.requires}
        # positional parameters keep the description's order
        positional = [p for p in op.params if (not p.optional) or p.name in given]
        out.append(dict(choice=choice, positional=positional, given=sorted(given)))
    return out


def parse_template(template):
    segments = []
    for seg in template.split("/"):
        pieces, pos = [], 0
        for m in re.finditer(r"\{([a-z_][a-z0-9_]*)\}", seg):
            if m.start() > pos:
                pieces.append(("lit", seg[pos:m.start()]))
            pieces.append(("param", m.group(1)))
            pos = m.end()
        if pos < len(seg):
            pieces.append(("lit", seg[pos:]))
        segments.append(pieces)
    return segments


def make_param(model, p):
    t = p["type"]
    collection = bool(p.get("collection"))
    patch = bool(p.get("patch"))
    if patch:
        vt = f"::{model.ns}::{model.types[t].cpp}_patch"
    elif t in model.types and not model.types[t].abstract:
        # An argument of a concrete type is that type (a message is sent as a message);
        # only an abstract one (Attachment) takes the polymorphic holder.
        vt = f"::{model.ns}::{model.types[t].cpp}"
    else:
        vt = model.value_type(t)
    if collection:
        vt = f"std::vector<{vt}>"
    if t == "String" and not collection and p["in"] == "path":
        arg = "std::string_view"
    elif t in ("Boolean", "Int32", "Int64", "Double") and not collection:
        arg = vt
    elif t in model.enums and not collection:
        e = model.enums[t]
        arg = f"outlook::flags<::{model.ns}::{e.cpp}>" if e.flags else f"::{model.ns}::{e.cpp}"
        vt = arg if p["in"] == "path" else vt
    else:
        arg = f"const {vt}&"
    if t == "String" and not collection:
        to_path = p["name"]
    elif t in model.enums:
        to_path = f"outlook::enum_to_wire({p['name']})"
    else:
        to_path = f"std::to_string({p['name']})"
    param = Param(p["name"], p["in"], p.get("wire"), bool(p.get("optional")), arg, vt, t, collection, patch,
                  p["description"], to_path)
    param.omit_empty = bool(p.get("omit_empty"))
    if t in model.enums and not collection and not model.enums[t].flags:
        param.body_expr = f"outlook::open_enum<::{model.ns}::{model.enums[t].cpp}>({p['name']})"
        param.holder = f"::{model.ns}::{model.enums[t].cpp}"
    else:
        param.body_expr = p["name"]
        param.holder = "std::string" if arg == "std::string_view" else vt
    return param
