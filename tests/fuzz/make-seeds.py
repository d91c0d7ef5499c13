#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Makes the seed corpora of the fuzz targets from the cassettes in tests/fixtures.

usage: make-seeds.py OUT_DIR [FIXTURE_DIR]

Writes OUT_DIR/<target>/<sha1> files, one seed each (duplicates collapse by content):
  decode         type byte (index into the generated decode table) + response body
  page_stream    page-type byte + collection bodies
  url            request URLs and next/delta links
  date_time      date-time and time-of-day strings found in bodies
  base64         base64-looking strings (ContentBytes, ids)
  cassette       the cassette files themselves
  http_response  mode byte + raw HTTP/1.1 responses rebuilt from recorded ones
                 (Content-Length, chunked, behind a 103, HTTP/1.0 read to the end)
Seeds are made at run time, never committed: the cassettes are the source of truth.
"""
import hashlib
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAX_BODY = 16 * 1024  # bigger seeds only slow the fuzzer down

DATE = re.compile(r"^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d")
TIME = re.compile(r"^\d\d:\d\d(:\d\d)?(\.\d+)?$")
B64 = re.compile(r"^[A-Za-z0-9+/]{4,}={0,2}$")

# @odata.context fragments -> decode table type names (the rest guess "message").
CONTEXT_TYPES = [
    ("childfolders", "mail_folder"), ("mailfolders", "mail_folder"), ("attachments", "attachment"),
    ("overrides", "inference_classification_override"), ("messagerules", "message_rule"),
    ("mailboxsettings", "mailbox_settings"), ("automaticrepliessetting", "automatic_replies_setting"),
    ("mailtips", "mail_tips"), ("mentions", "mention"), ("supportedlanguages", "locale_info"),
    ("supportedtimezones", "time_zone_information"), ("messages", "message"),
]
PAGE_TYPES = ["message", "sync:message", "mail_folder", "sync:mail_folder", "attachment",
              "inference_classification_override", "message_rule", "locale_info"]
REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request",
           401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error"}


def decode_table_names():
    text = (ROOT / "include/outlook/mail/testing/decode_table.hpp").read_text()
    return re.findall(r'\{"([^"]+)", &decode_and_encode', text)


class Corpus:
    def __init__(self, out):
        self.out = pathlib.Path(out)
        self.counts = {}

    def add(self, target, data):
        if isinstance(data, str):
            data = data.encode()
        folder = self.out / target
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
            self.counts[target] = self.counts.get(target, 0) + 1


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings_in(v)


def guess_type(body):
    context = str(body.get("@odata.context", "")).lower() if isinstance(body, dict) else ""
    base = next((t for key, t in CONTEXT_TYPES if key in context), "message")
    if isinstance(body, dict) and isinstance(body.get("value"), list):
        links = " ".join(str(body.get(k, "")) for k in ("@odata.deltaLink", "@odata.nextLink")).lower()
        return ("sync_page<%s>" if "delta" in links else "collection<%s>") % base
    return base


def raw_responses(status, headers, body):
    reason = REASONS.get(status, "Status")
    fields = "".join("%s: %s\r\n" % (k, v if isinstance(v, str) else ", ".join(v))
                     for k, v in headers.items() if k.lower() not in ("content-length", "transfer-encoding"))
    b = body.encode()
    yield "HTTP/1.1 %d %s\r\n%sContent-Length: %d\r\n\r\n" % (status, reason, fields, len(b)) + body
    chunks = "".join("%x\r\n%s\r\n" % (len(body[i:i + 1000].encode()), body[i:i + 1000])
                     for i in range(0, len(body), 1000))
    yield "HTTP/1.1 %d %s\r\n%sTransfer-Encoding: chunked\r\n\r\n%s0\r\n\r\n" % (status, reason, fields, chunks)
    yield ("HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n"
           "HTTP/1.1 %d %s\r\n%sContent-Length: %d\r\n\r\n" % (status, reason, fields, len(b)) + body)
    yield "HTTP/1.0 %d %s\r\n%s\r\n" % (status, reason, fields) + body


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    fixtures = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "tests/fixtures"
    corpus = Corpus(sys.argv[1])
    names = decode_table_names()
    index = {n: i for i, n in enumerate(names)}
    for file in sorted(fixtures.rglob("*.json")):
        raw = file.read_bytes()
        corpus.add("cassette", raw)
        try:
            cassette = json.loads(raw)
        except ValueError:
            continue
        declared = (cassette.get("decode") or {}).get("type") if isinstance(cassette.get("decode"), dict) else None
        for x in cassette.get("interactions", []):
            if not isinstance(x, dict):
                continue
            request = x.get("request") or {}
            if isinstance(request.get("url"), str):
                corpus.add("url", request["url"])
            response = x.get("response") or {}
            body = response.get("json")
            text = response.get("body") if isinstance(response.get("body"), str) else None
            if body is not None:
                text = json.dumps(body, ensure_ascii=False)
            if text is None:
                text = ""
            text = text[:MAX_BODY]
            if body is not None:
                type_name = declared if declared in index else guess_type(body)
                if type_name in index:
                    corpus.add("decode", bytes([index[type_name]]) + text.encode())
                if isinstance(body, dict) and isinstance(body.get("value"), list):
                    base = type_name.split("<")[-1].rstrip(">")
                    key = ("sync:" + base) if type_name.startswith("sync_page") else base
                    corpus.add("page_stream", bytes([PAGE_TYPES.index(key) if key in PAGE_TYPES else 0]) + text.encode())
                for s in strings_in(body):
                    if DATE.match(s) or TIME.match(s):
                        corpus.add("date_time", s)
                    if B64.match(s) and len(s) % 4 == 0:
                        corpus.add("base64", s[:4096])
                    if s.startswith("https://"):
                        corpus.add("url", s)
            status = response.get("status")
            if isinstance(status, int) and 100 <= status <= 999:
                headers = response.get("headers") or {}
                for mode, raw_response in enumerate(raw_responses(status, headers, text)):
                    corpus.add("http_response", bytes([mode % 2]) + raw_response.encode())
    for target, n in sorted(corpus.counts.items()):
        print("%-14s %4d seeds" % (target, n))


if __name__ == "__main__":
    main()
