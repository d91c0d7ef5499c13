#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Prints bench/run's table from its result files (key=value lines)."""
import sys


def records(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            name = words[0] if "=" not in words[0] else words[0].split("=", 1)[1]
            out[name] = dict(w.split("=", 1) for w in words if "=" in w)
    return out


def cpu(r):
    user, system = r["cpu"].split("+")
    return float(user) + float(system)


def main():
    chains, results = records(sys.argv[1]), records(sys.argv[2])
    rows = []

    def mbs(r):
        return int(r["bytes"]) / float(r["seconds"]) / 1e6

    raw = results.get("raw_outlook")
    raw_mbs = mbs(raw) if raw else None
    for dialect in ("outlook", "graph"):
        r = results.get("paging_" + dialect)
        if not r:
            continue
        same = r["checksum"] == chains[dialect]["checksum"]
        rows.append((f"typed paging, {dialect} ({r['pages']} pages)", f"{mbs(r):.0f} MB/s", cpu(r), r["rss_kb"],
                     f"{mbs(r) / raw_mbs:.2f}x raw" if raw_mbs else "",
                     "checksum = plain parse" if same else "CHECKSUM DIFFERS from plain parse"))
    for dialect in ("outlook", "graph"):
        r, plain = results.get(f"paging_{dialect}_gzip"), results.get("paging_" + dialect)
        if not r:
            continue
        same = r["checksum"] == chains[dialect]["checksum"]
        wire = int(r["wire"]) / int(r["bytes"])
        ratio = f"{mbs(r) / mbs(plain):.2f}x plain" if plain else ""
        rows.append((f"typed paging, {dialect}, gzip ({r['pages']} pages)", f"{mbs(r):.0f} MB/s", cpu(r), r["rss_kb"],
                     ratio, f"wire {int(r['wire']) / 1e6:.1f} MB of {int(r['bytes']) / 1e6:.1f} MB ({wire:.0%})"
                     + ("" if same else "; CHECKSUM DIFFERS from plain parse")))
    # The Node peers over the Graph chain (bench/js), against the typed Graph paging.
    typed_graph = results.get("paging_graph")
    chain_graph = chains.get("graph")

    def against_typed_graph(r):
        """A peer's ratio to the typed Graph paging, and the start of its note: its checksum
        against the chain's, then CPU seconds and peak RSS against the typed paging too (on a
        shared machine the wall-clock ratio moves with the load, the CPU one much less)."""
        note = "checksum = plain parse" if r["checksum"] == chain_graph["checksum"] else "CHECKSUM DIFFERS from plain parse"
        if not typed_graph:
            return "", note
        return (f"{mbs(r) / mbs(typed_graph):.2f}x typed graph",
                note + f"; CPU {cpu(r) / cpu(typed_graph):.1f}x, RSS {int(r['rss_kb']) / int(typed_graph['rss_kb']):.1f}x typed graph")

    for name, label in (("js_graph_client", "Graph JS client {version}, plain JSON objects"),
                        ("js_kiota", "Kiota JS SDK {version}, typed models"),
                        ("js_fetch", "Node {version} fetch + JSON.parse")):
        r = results.get(name)
        if not r:
            continue
        if "failed" in r:
            rows.append((label.replace(" {version}", ""), "FAILED", 0.0, "0", "", "see the run's output above the table"))
            continue
        rounds = int(r["pages"]) / int(chain_graph["pages"])
        # The SDKs hand back parsed pages, not bytes: the chain's size times the rounds they
        # read (each round's count and checksum were checked against the chain).
        r["bytes"] = r.get("bytes") or str(int(int(chain_graph["bytes"]) * rounds))
        ratio, note = against_typed_graph(r)
        rows.append((label.format(version=r["version"]) + f" ({r['pages']} pages)", f"{mbs(r):.0f} MB/s", cpu(r),
                     r["rss_kb"], ratio, note
                     + f"; {float(r['checksum_seconds']):.2f} of {float(r['seconds']):.2f} s in the checksum"
                     + f"; start-up {float(r['startup_cpu']):.2f} CPU s"))
    # The Python peer (bench/py): its `seconds` leave out its checks (a byte loop in CPython,
    # which would outweigh the client), and the note says how long they took.
    r = results.get("py_requests")
    if r and "failed" in r:
        rows.append(("Python requests + json.loads", "FAILED", 0.0, "0", "", "see the run's output above the table"))
    elif r:
        ratio, note = against_typed_graph(r)
        rows.append((f"Python {r['python']} requests {r['version']} + json.loads ({r['pages']} pages)", f"{mbs(r):.0f} MB/s",
                     cpu(r), r["rss_kb"], ratio, note
                     + f"; the time leaves out {float(r['checksum_seconds']):.2f} s of checks, the CPU s include them"
                     + f"; start-up {float(r['startup_cpu']):.2f} CPU s"))
    if raw:
        rows.append((f"raw Beast loop, outlook ({raw['responses']} responses)", f"{raw_mbs:.0f} MB/s", cpu(raw),
                     raw["rss_kb"], "1.00x raw", "no JSON: the transport's ceiling"))
    wrk_page = results.get("wrk_page")
    if wrk_page:
        page_bytes = int(chains["outlook"]["bytes"]) / int(chains["outlook"]["pages"])
        w = float(wrk_page["wrk_rate"]) * page_bytes / 1e6
        rows.append(("wrk, first outlook page, 1 connection", f"{w:.0f} MB/s", cpu(wrk_page), wrk_page["rss_kb"],
                     f"{w / raw_mbs:.2f}x raw" if raw_mbs else "", "rate x mean page size"))
    for name, ref in (("rate_outlook_1", "wrk_small_1"), ("rate_outlook_8", "wrk_small_8"), ("rate_graph_1", "wrk_small_1")):
        r, w = results.get(name), results.get(ref)
        if not r:
            continue
        rate = float(r["rate"])
        us = cpu(r) / int(r["requests"]) * 1e6
        ratio = f"{rate / float(w['wrk_rate']):.2f}x wrk" if w else ""
        rows.append((f"small page, typed, {name.split('_')[1]}, {r['connections']} conn.", f"{rate:.0f} req/s", cpu(r),
                     r["rss_kb"], ratio, f"{us:.1f} us CPU/request"))
    for ref in ("wrk_small_1", "wrk_small_8"):
        w = results.get(ref)
        if w:
            rows.append((f"wrk, small outlook page, {w['connections']} conn.", f"{float(w['wrk_rate']):.0f} req/s", cpu(w),
                         w["rss_kb"], "1.00x wrk", ""))

    header = ("run", "throughput", "CPU s", "peak RSS", "ratio", "note")
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, tput, seconds, rss_kb, ratio, note in rows:
        print(f"| {name} | {tput} | {seconds:.2f} | {int(rss_kb) / 1024:.1f} MiB | {ratio} | {note} |")
    small = chains["outlook"]["small_bytes"]
    print(f"\nchain: {chains['outlook']['pages']} pages x 1000 messages, {int(chains['outlook']['bytes']) / 1e6:.1f} MB "
          f"(outlook), {int(chains['graph']['bytes']) / 1e6:.1f} MB (graph); small page {small} bytes")
    print("\ncodec (outlook_mail_decode_bench 15 1000):")
    with open(sys.argv[3], encoding="utf-8") as f:
        print(f.read().rstrip())


main()
