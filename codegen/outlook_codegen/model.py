# SPDX-License-Identifier: BSL-1.0
"""The C++ view of an API description: names, member types, inheritance, file grouping.

Decisions made here (and nowhere else):
- A type that is referenced (by a property, parameter or response) and has subtypes is
  a polymorphic root: references to it are outlook::poly<T>, decoded by @odata.type, and
  its subtypes derive from it in C++. Bases that are never referenced (Entity,
  OutlookItem) are flattened: their properties are copied into each subtype, so the
  common types stay plain aggregates that designated initializers can fill.
- Types that reference each other in a cycle (Message -> Attachment -> ItemAttachment ->
  Message) are emitted together in one header; each keeps its own header name.
"""
import re
from dataclasses import dataclass, field as dc_field

from .load import DescriptionError
from .names import RESERVED_MEMBERS, cpp_identifier, snake

PRIMITIVE_CPP = {
    "String": "std::string",
    "Boolean": "bool",
    "Int32": "std::int32_t",
    "Int64": "std::int64_t",
    "Double": "double",
    "DateTimeOffset": "outlook::date_time",
    "Date": "std::string",  # ISO date text ("2026-11-30"), kept as received
    "Binary": "outlook::bytes",
    "TimeOfDay": "outlook::time_of_day",
    "Json": "boost::json::value",
}


@dataclass
class Member:
    wire: str
    cpp: str
    type_name: str
    value_type: str       # C++ type of one value (poly-wrapped where needed)
    member_type: str      # the struct member's type (optional<...>, vector<...>)
    description: str
    read_only: bool
    collection: bool
    navigation: bool
    preview: bool


@dataclass
class TypeView:
    name: str
    cpp: str
    kind: str
    description: str
    preview: bool
    abstract: bool
    cpp_base: object = None          # TypeView or None
    own: list = dc_field(default_factory=list)        # members declared in this struct
    all_members: list = dc_field(default_factory=list)  # members decodable (incl. inherited)
    patch: bool = False
    patch_members: list = dc_field(default_factory=list)
    is_poly_root: bool = False
    descendants: list = dc_field(default_factory=list)  # deepest first
    in_poly_hierarchy: bool = False
    # For a type marked one_of: its direct subtypes, each as dict(t=TypeView, poly=bool, family=[TypeView])
    one_of: list = dc_field(default_factory=list)
    header: str = ""
    group: str = ""


@dataclass
class EnumView:
    name: str
    cpp: str
    description: str
    flags: bool
    preview: bool
    members: list
    aliases: list
    underlying: str
    header: str = ""


class Model:
    def __init__(self, doc, schema_hash, source_name):
        self.doc = doc
        self.hash = schema_hash
        self.source = source_name
        self.service = doc["service"]
        self.ns = self.service["cpp_namespace"]
        self.odata_ns = self.service["odata_namespace"]
        # Where the headers go below include/ (outlook/mail, outlook/graph); also the umbrella's name.
        self.dir = self.service.get("include_dir", "outlook/mail")
        self.enums = {e["name"]: self._enum(e) for e in doc["enums"]}
        self.raw_types = {t["name"]: t for t in doc["types"]}
        self.children = {n: [] for n in self.raw_types}
        for t in doc["types"]:
            if "base" in t:
                self.children[t["base"]].append(t["name"])
        self.referenced = self._referenced()
        self.types = {n: TypeView(n, cpp_identifier(n), t["kind"], t["description"], bool(t.get("preview")),
                                  bool(t.get("abstract"))) for n, t in self.raw_types.items()}
        self._check_names()
        for n in self.types:
            self._resolve_inheritance(n)
        for n in self.types:
            self._resolve_members(n)
        self._group_files()
        self.folders = [dict(name=f["name"], cpp=f.get("cpp_name") or cpp_identifier(f["name"]), description=f["description"])
                        for f in doc.get("well_known_folders", [])]
        folder_names = {}
        for f in self.folders:
            if f["cpp"] in folder_names:
                raise DescriptionError(f"folder {f['name']}: {folder_names[f['cpp']]} has the same C++ name {f['cpp']}")
            folder_names[f["cpp"]] = f["name"]
        from .operations import build_operations
        self.operations = build_operations(self)

    # ----- enums
    def _enum(self, e):
        members = sorted(e["members"], key=lambda m: m["value"]) if e.get("flags") else e["members"]
        ms = [dict(wire=m["name"], cpp=cpp_identifier(m["name"]), value=m["value"], description=m["description"])
              for m in members]
        aliases = [dict(wire=a, cpp=cpp_identifier(m["name"])) for m in e["members"] for a in m.get("aliases", [])]
        cpps = [m["cpp"] for m in ms]
        if len(set(cpps)) != len(cpps) or "unrecognized" in cpps:
            raise DescriptionError(f"enum {e['name']}: two members have the same C++ name, or one is 'unrecognized'")
        return EnumView(e["name"], cpp_identifier(e["name"]), e["description"], bool(e.get("flags")),
                        bool(e.get("preview")), ms, aliases, "std::uint32_t" if e.get("flags") else "std::int32_t",
                        header=f"{self.dir}/{snake(e['name'])}.hpp")

    # ----- types
    def _referenced(self):
        refs = set()
        for t in self.doc["types"]:
            for p in t["properties"]:
                refs.add(p["type"])
        for o in self.doc["operations"]:
            for p in o["parameters"]:
                refs.add(p["type"])
            if o["response"]:
                refs.add(o["response"]["type"])
        return refs

    def _check_names(self):
        seen = {}
        for n in list(self.enums) + list(self.raw_types):
            s = snake(n)
            if s in seen:
                raise DescriptionError(f"{n} and {seen[s]} have the same C++ name {s}")
            if s in ("mailbox", "client", "model", "operations", "well_known_folder", "folder"):
                raise DescriptionError(f"{n}: its C++ name {s} is used by the generator for another header")
            seen[s] = n

    def is_one_of_root(self, name):
        return bool(self.raw_types[name].get("one_of"))

    def is_poly_root(self, name):
        if self.raw_types[name].get("polymorphic") is False or self.is_one_of_root(name):
            return False
        return name in self.referenced and bool(self.children.get(name))

    def ancestors(self, name):
        out, b = [], self.raw_types[name].get("base")
        while b:
            out.append(b)
            b = self.raw_types[b].get("base")
        return out

    def descendants(self, name):
        out = []
        for c in self.children.get(name, []):
            out.extend(self.descendants(c))
            out.append(c)
        return out

    def _resolve_inheritance(self, name):
        tv = self.types[name]
        anc = self.ancestors(name)
        tv.is_poly_root = self.is_poly_root(name)
        tv.in_poly_hierarchy = tv.is_poly_root or any(self.is_poly_root(a) for a in anc)
        if any(self.is_poly_root(a) for a in anc):
            tv.cpp_base = self.types[anc[0]]
        if tv.is_poly_root:
            tv.descendants = [self.types[d] for d in self.descendants(name)]
        if self.is_one_of_root(name):
            tv.one_of = [dict(t=self.types[c], poly=self.is_poly_root(c),
                              family=[self.types[c]] + [self.types[d] for d in self.descendants(c)])
                         for c in self.children[name]]

    def value_type(self, type_name):
        if type_name in PRIMITIVE_CPP:
            return PRIMITIVE_CPP[type_name]
        # Fully qualified: a member is often named like its type (email_address), and an
        # unqualified use inside the struct would change meaning.
        q = f"::{self.ns}::"
        if type_name in self.enums:
            e = self.enums[type_name]
            return f"outlook::flags<{q}{e.cpp}>" if e.flags else f"outlook::open_enum<{q}{e.cpp}>"
        t = self.types[type_name]
        if self.is_one_of_root(type_name):
            alts = [t.cpp] + [self.types[c].cpp for c in self.children[type_name]]
            return "outlook::one_of<" + ", ".join(f"outlook::poly<{q}{a}>" for a in alts) + ">"
        return f"outlook::poly<{q}{t.cpp}>" if t.is_poly_root else q + t.cpp

    def _member(self, p, owner):
        vt = self.value_type(p["type"])
        if p.get("collection"):
            mt = f"std::vector<{vt}>"
        elif p["type"] == "Json":
            mt = vt
        else:
            mt = f"std::optional<{vt}>"
        cpp = cpp_identifier(p["name"])
        if cpp in RESERVED_MEMBERS:
            raise DescriptionError(f"type {owner}, property {p['name']}: its C++ name {cpp} is reserved by the generator")
        return Member(p["name"], cpp, p["type"], vt, mt, p["description"], bool(p.get("read_only")),
                      bool(p.get("collection")), bool(p.get("navigation")), bool(p.get("preview")))

    def _resolve_members(self, name):
        tv = self.types[name]
        raw = self.raw_types[name]
        own = [self._member(p, name) for p in raw["properties"]]
        chain = [name] + self.ancestors(name)
        if tv.cpp_base is None:
            inherited = []
            for a in reversed(chain[1:]):
                inherited += [self._member(p, a) for p in self.raw_types[a]["properties"]]
            tv.own = inherited + own
        else:
            tv.own = own
        tv.all_members = []
        for a in reversed(chain):
            tv.all_members += [self._member(p, a) for p in self.raw_types[a]["properties"]]
        cpps = [m.cpp for m in tv.all_members]
        if len(set(cpps)) != len(cpps):
            raise DescriptionError(f"type {name}: two properties (own or inherited) have the same C++ name")
        tv.patch = bool(raw.get("patch"))
        tv.patch_members = [m for m in tv.all_members if not m.read_only]

    # ----- files
    def type_deps(self, name, hard_only=False):
        """Types `name` needs. Hard dependencies must be complete before its definition."""
        tv = self.types[name]
        deps = set()
        if tv.cpp_base is not None:
            deps.add(tv.cpp_base.name)
        for m in tv.own:
            if m.type_name in self.types:
                t = self.types[m.type_name]
                soft = m.collection or t.is_poly_root or self.is_one_of_root(m.type_name)
                if not hard_only or not soft:
                    deps.add(m.type_name)
        if not hard_only and tv.is_poly_root:
            deps |= {d.name for d in tv.descendants}
        if not hard_only and self.is_one_of_root(name):
            deps |= {d.name for alt in tv.one_of for d in alt["family"]}
        return deps

    def _group_files(self):
        # Tarjan's strongly connected components over the type graph.
        index, low, stack, on, comps = {}, {}, [], set(), []
        counter = [0]

        def visit(v):
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on.add(v)
            for w in sorted(self.type_deps(v)):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(comp)

        for n in self.raw_types:
            if n not in index:
                visit(n)
        self.groups = []
        for comp in comps:  # Tarjan emits components dependencies-first
            ordered = self._order_within(comp)
            gname = snake(ordered[0]) if len(ordered) == 1 else snake(ordered[0]) + "_and_related"
            header = (f"{self.dir}/{snake(ordered[0])}.hpp" if len(ordered) == 1
                      else f"{self.dir}/detail/{gname}.hpp")
            group = dict(name=gname, header=header, types=[self.types[n] for n in ordered])
            for n in ordered:
                self.types[n].header = f"{self.dir}/{snake(n)}.hpp"
                self.types[n].group = header
            self.groups.append(group)

    def _order_within(self, comp):
        members, done, out = set(comp), set(), []

        def place(n, trail):
            if n in done:
                return
            if n in trail:
                raise DescriptionError(f"types {', '.join(sorted(trail))} contain each other by value; "
                                       "one of the references must be a collection or polymorphic")
            for d in sorted(self.type_deps(n, hard_only=True)):
                if d in members:
                    place(d, trail | {n})
            done.add(n)
            out.append(n)

        for n in sorted(comp):
            place(n, set())
        return out

    def group_includes(self, group):
        """Headers a group needs: other groups' headers and enum headers."""
        inc = set()
        names = {t.name for t in group["types"]}
        for t in group["types"]:
            for d in self.type_deps(t.name):
                if d not in names:
                    inc.add(self.types[d].group)
            for m in t.own:
                if m.type_name in self.enums:
                    inc.add(self.enums[m.type_name].header)
        return sorted(inc)
