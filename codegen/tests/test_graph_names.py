#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Checks that schema/graph-mail-v1.0.json describes the whole Graph v1.0 mail surface.

graph_reference_names.txt (beside this file) lists every type, declared structural
property, enum and enum member of the reference extracted from Microsoft's CSDL. Each must
be in the description with the same wire spelling and kind; the description may hold more
(navigation properties, enums used only by operation parameters). Prints the counts.
Exit status 0 when nothing is missing.
"""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA = HERE.parent.parent / "schema" / "graph-mail-v1.0.json"
NAMES = HERE / "graph_reference_names.txt"


def main():
    doc = json.loads(SCHEMA.read_text(encoding="utf-8"))
    types = {t["name"]: t for t in doc["types"]}
    enums = {e["name"]: e for e in doc["enums"]}
    missing, counts = [], {"type": 0, "property": 0, "enum": 0, "member": 0}
    for line in NAMES.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        kind, name, *rest = line.split()
        counts[kind] += 1
        if kind == "type":
            t = types.get(name)
            if t is None or t["kind"] != rest[0]:
                missing.append(f"{rest[0]} type {name}")
        elif kind == "property":
            owner, prop = name.split(".")
            t = types.get(owner)
            if t is None or not any(p["name"] == prop and not p.get("navigation") for p in t["properties"]):
                missing.append(f"property {name}")
        elif kind == "enum":
            if name not in enums:
                missing.append(f"enum {name}")
        elif kind == "member":
            owner, member = name.split(".")
            e = enums.get(owner)
            if e is None or not any(m["name"] == member for m in e["members"]):
                missing.append(f"enum member {name}")
    for m in missing:
        print(f"missing: {m}")
    print(f"reference: {counts['type']} types, {counts['property']} properties, {counts['enum']} enums, "
          f"{counts['member']} members; description: {len(types)} types, "
          f"{sum(len(t['properties']) for t in types.values())} properties (navigation included), "
          f"{len(enums)} enums, {len(doc['operations'])} operations")
    if counts["type"] == 0:
        print("the name list is empty", file=sys.stderr)
        return 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
