#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Print how many enums, enum members, types and properties an API description holds.

Usage: count_schema.py [path/to/description.json]
(defaults to schema/outlook-mail-v2.0.json next to this script's directory)
"""
import json
import sys
from pathlib import Path


def count(doc):
    enums = doc.get("enums", [])
    types = doc.get("types", [])
    props = [p for t in types for p in t.get("properties", [])]
    return [
        ("well-known folders", len(doc.get("well_known_folders", []))),
        ("enums", len(enums)),
        ("  of which flags", sum(1 for e in enums if e.get("flags"))),
        ("  of which preview", sum(1 for e in enums if e.get("preview"))),
        ("enum members", sum(len(e["members"]) for e in enums)),
        ("types", len(types)),
        ("  entity", sum(1 for t in types if t["kind"] == "entity")),
        ("  complex", sum(1 for t in types if t["kind"] == "complex")),
        ("  preview", sum(1 for t in types if t.get("preview"))),
        ("  with patch", sum(1 for t in types if t.get("patch"))),
        ("properties (own, not inherited)", len(props)),
        ("  navigation", sum(1 for p in props if p.get("navigation"))),
        ("  preview (flagged on the property)", sum(1 for p in props if p.get("preview"))),
        ("  read-only", sum(1 for p in props if p.get("read_only"))),
        ("operations", len(doc.get("operations", []))),
    ]


def main(argv):
    default = Path(__file__).resolve().parent.parent / "schema" / "outlook-mail-v2.0.json"
    path = Path(argv[1]) if len(argv) > 1 else default
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    rows = count(doc)
    width = max(len(label) for label, _ in rows)
    for label, n in rows:
        print(f"{label:<{width}}  {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
