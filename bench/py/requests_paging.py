#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""outlook-mail benchmarks: the Python peer of bench/run, requests + json.loads.

Reads the bench's Graph page chain ROUNDS times as a Python script would without an SDK:
one requests.Session (keep-alive, certificate verified through REQUESTS_CA_BUNDLE), the
page bytes given to json.loads, @odata.nextLink followed by hand. Every round is checked
against the chain the C++ `write` mode made, like the Node peers (bench/js/chain.mjs):

- the first round folds the checksum of bench/message_pages.hpp (FNV-1a 64 over the UTF-8
  bytes of each message's id, subject, body content and every To address, a 0xff byte
  after each field) and must equal the chain's `checksum=`;
- every round must read the chain's message count, and a CRC-32 of the same fields (zlib,
  in C) must equal the first round's, so a later round cannot read less either.

FNV-1a is a loop over every byte, which CPython runs about a hundred times slower than
C++: over the first round's 80 MB of fields it would outweigh the client under test. So
the line reports `seconds` WITHOUT the time spent on the checks, and that time apart
(`checksum_seconds`); the CPU seconds GNU time measures include both.

  python3 requests_paging.py BASE ROUNDS EXPECTED_MESSAGES EXPECTED_CHECKSUM

Prints one line of key=value pairs for bench/table.py; exits 1 on any mismatch.
"""
import json
import platform
import sys
import time
import zlib

import requests

TOKEN = "bench"  # nginx ignores it; sent as any client would
FNV_PRIME = 1099511628211
FNV_START = 1469598103934665603  # the starting value message_pages.hpp uses
MASK = (1 << 64) - 1


def message_fields(m):
    """The fields the checksum folds, in message_pages.hpp's order, as UTF-8 bytes."""
    body = m.get("body") or {}
    fields = [m.get("id") or "", m.get("subject") or "", body.get("content") or ""]
    for r in m.get("toRecipients") or []:
        fields.append(((r.get("emailAddress") or {}).get("address")) or "")
    return [f.encode("utf-8") for f in fields]


def fnv_fold(value, field):
    for b in field:
        value = ((value ^ b) * FNV_PRIME) & MASK
    return ((value ^ 0xFF) * FNV_PRIME) & MASK


def main(argv):
    if len(argv) != 5:
        print(f"usage: {argv[0]} BASE ROUNDS EXPECTED_MESSAGES EXPECTED_CHECKSUM", file=sys.stderr)
        return 2
    base, rounds, expected_messages, expected_checksum = argv[1].rstrip("/"), int(argv[2]), int(argv[3]), argv[4].lower()
    startup_cpu = time.process_time()
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json", "Accept-Encoding": "identity"}
    session = requests.Session()
    pages = total_bytes = 0
    first_crc = None
    checksum_hex = ""
    check_seconds = 0.0
    t0 = time.perf_counter()
    for r in range(rounds):
        messages, crc, fnv = 0, 0, FNV_START
        url = f"{base}/me/messages"
        while url:
            response = session.get(url, headers=headers, timeout=60)
            if response.status_code != 200:
                print(f"GET {url}: HTTP {response.status_code}", file=sys.stderr)
                return 1
            total_bytes += len(response.content)
            page = json.loads(response.content)
            pages += 1
            c0 = time.perf_counter()
            for m in page["value"]:
                for field in message_fields(m):
                    crc = zlib.crc32(field + b"\xff", crc)
                    if r == 0:
                        fnv = fnv_fold(fnv, field)
                messages += 1
            check_seconds += time.perf_counter() - c0
            url = page.get("@odata.nextLink")
        if r == 0:
            checksum_hex = f"{fnv:016x}"
            first_crc = crc
        if messages != expected_messages or checksum_hex != expected_checksum or crc != first_crc:
            print(f"round {r + 1}: read {messages} messages, checksum {checksum_hex}, crc {crc:08x} (first round "
                  f"{first_crc:08x}); the chain has {expected_messages} messages, checksum {expected_checksum}",
                  file=sys.stderr)
            return 1
    seconds = time.perf_counter() - t0 - check_seconds
    fields = {"pages": pages, "messages": expected_messages * rounds, "version": requests.__version__,
              "python": platform.python_version(), "bytes": total_bytes, "seconds": f"{seconds:.3f}",
              "checksum_seconds": f"{check_seconds:.3f}", "startup_cpu": f"{startup_cpu:.3f}",
              "checksum": checksum_hex}
    print(" ".join(f"{k}={v}" for k, v in fields.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
