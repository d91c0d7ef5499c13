#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Checks that the code blocks of the documentation are code that CI compiles.

Every ```cpp block (also ```c++, ```cxx) of README.md and of every other Markdown file
of the repository must be introduced by a marker line naming the region of a source file
it shows, and must equal that region:

    <!-- snippet: docs/snippets/triage.cpp#triage -->
    ```cpp
    ...the lines between "// snippet-begin: triage" and "// snippet-end: triage"...
    ```

The region's lines are compared after removing nested marker lines and the indentation
common to all of them. A marker without "#name" stands for the whole file. A block of
another language (```cmake, ```json) is checked the same way when it has a marker.

    check_snippets.py SOURCE_DIR            exit 0 when every block matches, 1 otherwise
    check_snippets.py --update SOURCE_DIR   rewrite every marked block from its region
"""
import os
import re
import sys

CPP_FENCES = {"cpp", "c++", "cxx"}
MARKER = re.compile(r"^<!--\s*snippet:\s*(\S+?)(?:#(\S+))?\s*-->\s*$")
REGION = re.compile(r"^\s*(?://|#)\s*snippet-(begin|end):\s*(\S+)\s*$")
SKIP_DIRS = {".git", "fixtures", "golden", "node_modules"}


def markdown_files(root):
    for base, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".") and not d.startswith("build"))
        for name in sorted(files):
            if name.endswith(".md"):
                yield os.path.join(base, name)


def dedent(lines):
    indents = [len(l) - len(l.lstrip(" ")) for l in lines if l.strip()]
    cut = min(indents) if indents else 0
    return [l[cut:] if l.strip() else "" for l in lines]


def region(path, name):
    """The lines of region `name` of `path` (the whole file when name is None), or an error."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        return None, f"cannot read {path}: {e.strerror}"
    if lines and lines[-1] == "":
        lines.pop()
    if name is None:
        return lines, None
    out, inside, found = [], False, False
    for line in lines:
        m = REGION.match(line)
        if m and m.group(2) == name:
            if m.group(1) == "begin":
                if found:
                    return None, f"region '{name}' begins twice in {path}"
                inside, found = True, True
            else:
                inside = False
            continue
        if m:  # a marker of another (nested) region: not part of the text
            continue
        if inside:
            out.append(line)
    if not found:
        return None, f"no region '{name}' in {path} (mark it with '// snippet-begin: {name}' and '// snippet-end: {name}')"
    if inside:
        return None, f"region '{name}' of {path} has no '// snippet-end: {name}'"
    return dedent(out), None


def check_file(root, md_path, update=False):
    errors = []
    rewritten = []
    rel = os.path.relpath(md_path, root)
    with open(md_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        fence = re.match(r"^(\s*)```\s*([A-Za-z0-9+_-]*)\s*$", lines[i])
        if not fence or not fence.group(2):
            i += 1
            continue
        lang = fence.group(2).lower()
        indent = fence.group(1)
        start = i
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        block = dedent([l[len(indent):] if l.startswith(indent) else l for l in lines[start + 1:j]])
        marker = MARKER.match(lines[start - 1].strip()) if start > 0 else None
        where = f"{rel}:{start + 1}"
        if marker:
            src, name = marker.group(1), marker.group(2)
            expected, err = region(os.path.join(root, src), name)
            label = src + (f"#{name}" if name else "")
            if err:
                errors.append(f"{where}: {err}")
            elif update:
                rewritten.append((start + 1, j, [indent + l if l else "" for l in expected]))
            elif block != expected:
                n = next((k for k in range(max(len(block), len(expected)))
                          if k >= len(block) or k >= len(expected) or block[k] != expected[k]), 0)
                doc_line = block[n] if n < len(block) else "(the block ends here)"
                src_line = expected[n] if n < len(expected) else "(the region ends here)"
                errors.append(f"{where}: the ```{lang} block differs from {label} at its line {n + 1}:\n"
                              f"    doc:  {doc_line}\n    file: {src_line}\n"
                              f"  edit the source file (CI compiles it) and copy the region into the doc")
        elif lang in CPP_FENCES:
            errors.append(f"{where}: a ```{lang} block without a snippet marker; put the code in a file CI "
                          f"compiles (docs/snippets/) between '// snippet-begin: NAME' and '// snippet-end: NAME' "
                          f"and introduce the block with '<!-- snippet: docs/snippets/FILE.cpp#NAME -->'")
        i = j + 1
    if update and rewritten:
        for first, end, new in reversed(rewritten):
            lines[first:end] = new
        with open(md_path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
    return errors


def main():
    args = sys.argv[1:]
    update = bool(args) and args[0] == "--update"
    if update:
        args = args[1:]
    if len(args) != 1:
        print("usage: check_snippets.py [--update] SOURCE_DIR", file=sys.stderr)
        return 2
    root = os.path.abspath(args[0])
    checked, errors = 0, []
    for md in markdown_files(root):
        checked += 1
        errors += check_file(root, md, update)
    for line in errors:
        print(line)
    print(f"{checked} Markdown files checked, {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
