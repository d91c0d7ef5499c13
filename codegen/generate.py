#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Generates the outlook-mail C++ binding from an API description.

  generate.py --schema schema/outlook-mail-v2.0.json --out include          # write headers
  generate.py --schema ... --out include --check                            # report drift, exit 1

Only files under <out>/<dir>/ and <out>/<dir>.hpp are written, where <dir> is the
description's service.include_dir (outlook/mail by default, outlook/graph for Graph); with
--out pointing at include/ that is the committed generated code. Stale generated files (a
type removed from the schema) are deleted. Output is deterministic: same input, same bytes.
"""
import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from outlook_codegen.load import DescriptionError, load  # noqa: E402
from outlook_codegen.model import Model  # noqa: E402
from outlook_codegen.render import render_all  # noqa: E402


def source_name(schema: Path) -> str:
    """How the banner names the description: its path in this repository (schema/...), or
    only its file name when it lives elsewhere (no machine-specific paths in the output)."""
    try:
        return schema.resolve().relative_to(HERE.parent).as_posix()
    except ValueError:
        return schema.name


def generated_files(out: Path, ns_dir: str):
    root = out / ns_dir
    found = {p.relative_to(out).as_posix() for p in root.rglob("*.hpp")} if root.exists() else set()
    if (out / f"{ns_dir}.hpp").exists():
        found.add(f"{ns_dir}.hpp")
    return found


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--schema", type=Path, required=True, help="the API description (JSON)")
    ap.add_argument("--format", type=Path, default=None,
                    help="the JSON Schema of the description format (default: api-description.schema.json "
                         "beside the description, else the one in schema/ of this repository)")
    ap.add_argument("--out", type=Path, required=True, help="the include directory to write into")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 when any file differs")
    args = ap.parse_args(argv)
    fmt = args.format or args.schema.parent / "api-description.schema.json"
    if args.format is None and not fmt.is_file():
        fmt = HERE.parent / "schema" / "api-description.schema.json"
    try:
        doc, digest = load(args.schema, fmt)
        model = Model(doc, digest, source_name(args.schema))
        files = render_all(model)
    except DescriptionError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: cannot read {e.filename}: {e.strerror}", file=sys.stderr)
        return 2
    existing = generated_files(args.out, model.dir)
    stale = sorted(existing - set(files))
    changed = []
    for rel, text in files.items():
        target = args.out / rel
        data = text.encode("utf-8")  # bytes, so that line endings and encoding are compared too
        if not target.is_file() or target.read_bytes() != data:
            changed.append(rel)
            if not args.check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    if not args.check:
        for rel in stale:
            (args.out / rel).unlink()
    if args.check:
        for rel in changed:
            print(f"differs: {rel}")
        for rel in stale:
            print(f"not generated: {rel}")
        if changed or stale:
            print(f"{len(changed) + len(stale)} generated file(s) differ from the schema; "
                  "regenerate with the outlook_mail_codegen target", file=sys.stderr)
            return 1
        print(f"{len(files)} generated files match the schema")
        return 0
    print(f"wrote {len(changed)} of {len(files)} files, removed {len(stale)} stale")
    return 0


if __name__ == "__main__":
    sys.exit(main())
