// outlook-mail benchmarks: what the three Node peers of bench/run share.
// SPDX-License-Identifier: BSL-1.0
//
// Each peer script (fetch_parse.mjs, graph_client.mjs, kiota_sdk.mjs) reads the bench's
// Graph page chain ROUNDS times and hands every message to a Checksum. The checksum is the
// one bench/message_pages.hpp computes (FNV-1a 64 over the UTF-8 bytes of each message's
// id, subject, body content and every To address, a 0xff byte after each field), so a
// round's figure must equal the `checksum=` the C++ `write` mode printed for the chain:
// a peer that read less, or something else, fails instead of reporting a fast row.
//
//   node <peer>.mjs BASE ROUNDS EXPECTED_MESSAGES EXPECTED_CHECKSUM
//     BASE: https://127.0.0.1:PORT/v1.0; the chain starts at BASE/me/messages.
//     EXPECTED_*: the chain's `messages=` and `checksum=` (hex) from `paging_bench write`.
// Prints one line of key=value pairs for bench/table.py; exits 1 on any mismatch.
// The bench's certificate is trusted through NODE_EXTRA_CA_CERTS (verification stays on).

import { readFileSync } from "node:fs";

/** The bearer token every peer sends: nginx ignores it, but each SDK must attach one. */
export const TOKEN = "bench";

/**
 * FNV-1a 64 in two 32-bit halves, with int32 arithmetic only (Math.imul, 16-bit partial
 * products): BigInt per byte, or products held in doubles, cost several times more and
 * outweighed JSON.parse in the fetch row.
 */
export class Checksum {
  constructor() {
    // 1469598103934665603 (0x14650fb0739d0383), the starting value message_pages.hpp uses
    // (the FNV offset basis with its last digit dropped: what matters is that both sides
    // start alike).
    this.hi = 0x14650fb0;
    this.lo = 0x739d0383;
    this.messages = 0;
    this.seconds = 0; // spent folding pages (foldPage), reported apart from the SDK's time
  }

  /**
   * Folds a page's messages with `fold(sum, message)`, timing it: hashing ~10 MB of text a
   * page costs JavaScript several times what it costs C++, so the result line says how much
   * of a row's time was the checksum rather than the client under test.
   */
  foldPage(messages, fold) {
    const t0 = performance.now();
    for (const m of messages) fold(this, m);
    this.seconds += (performance.now() - t0) / 1e3;
  }

  /**
   * One field: its UTF-8 bytes, then the 0xff separator. ASCII is hashed in the loop with
   * the state in locals; other characters (rare here) go through byte() one byte at a time.
   * Per byte: value = (value ^ byte) * (2^40 + 435) mod 2^64, where 2^40 puts lo << 8 into hi.
   */
  add(s) {
    const text = s ?? "";
    const n = text.length;
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i <= n; ++i) {
      const c = i < n ? text.charCodeAt(i) : 0xff; // 0xff: the separator after the field
      if (c >= 0x80 && i < n) {
        this.hi = hi;
        this.lo = lo;
        i = this.nonAscii(text, i);
        hi = this.hi;
        lo = this.lo;
        continue;
      }
      lo ^= c;
      const low = (lo & 0xffff) * 435;
      const high = (lo >>> 16) * 435 + (low >>> 16);
      hi = (Math.imul(hi, 435) + (high >>> 16) + (lo << 8)) | 0;
      lo = ((high & 0xffff) << 16) | (low & 0xffff);
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** The UTF-8 bytes of the character (or surrogate pair) at text[i]; returns the index of its last unit. */
  nonAscii(text, i) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        ++i;
      }
    }
    if (c < 0x800) {
      this.byte(0xc0 | (c >> 6));
    } else if (c < 0x10000) {
      this.byte(0xe0 | (c >> 12));
      this.byte(0x80 | ((c >> 6) & 0x3f));
    } else {
      this.byte(0xf0 | (c >> 18));
      this.byte(0x80 | ((c >> 12) & 0x3f));
      this.byte(0x80 | ((c >> 6) & 0x3f));
    }
    this.byte(0x80 | (c & 0x3f));
    return i;
  }

  /** One byte into the state held in `this` (the same step as add()'s loop). */
  byte(b) {
    const lo = this.lo ^ b;
    const low = (lo & 0xffff) * 435;
    const high = (lo >>> 16) * 435 + (low >>> 16);
    this.hi = (Math.imul(this.hi, 435) + (high >>> 16) + (lo << 8)) | 0;
    this.lo = ((high & 0xffff) << 16) | (low & 0xffff);
  }

  /** One message: the fields message_pages.hpp folds, in its order. */
  message(id, subject, bodyContent, toAddresses) {
    this.add(id);
    this.add(subject);
    this.add(bodyContent);
    for (const address of toAddresses) this.add(address);
    ++this.messages;
  }

  hex() {
    return (this.hi >>> 0).toString(16).padStart(8, "0") + (this.lo >>> 0).toString(16).padStart(8, "0");
  }
}

/** Folds one message of a plain JSON page (camelCase Graph members). */
export function addPlainMessage(sum, m) {
  sum.message(m.id, m.subject, m.body?.content, (m.toRecipients ?? []).map((r) => r.emailAddress?.address));
}

/** The installed version of an npm package (its package.json; some packages do not export that path). */
export function packageVersion(name) {
  const file = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(file, "utf8")).version;
}

/** The command line (see the top of this file); throws on a malformed one. */
export function parseArgs(argv) {
  if (argv.length !== 6) {
    throw new Error(`usage: node ${argv[1]} BASE ROUNDS EXPECTED_MESSAGES EXPECTED_CHECKSUM`);
  }
  const [base, rounds, messages, checksum] = argv.slice(2);
  const parsed = {
    base: base.replace(/\/+$/, ""),
    rounds: Number.parseInt(rounds, 10),
    messages: Number.parseInt(messages, 10),
    checksum: checksum.toLowerCase(),
  };
  if (!(parsed.rounds >= 1) || !(parsed.messages >= 0) || !/^[0-9a-f]{16}$/.test(parsed.checksum)) {
    throw new Error(`bad arguments: ${argv.slice(2).join(" ")}`);
  }
  return parsed;
}

/**
 * Runs `readChain(sum)` (one pass over the chain, returns the pages it read) ROUNDS times,
 * checks every round against the expected figures and prints the result line. The clock
 * starts after the SDK is set up, as the C++ bench's does; module loading and start-up
 * still count in the CPU seconds and peak RSS that /usr/bin/time reports, and the line
 * says how much CPU they took (startup_cpu).
 */
export async function run(args, readChain, extra = {}) {
  // CPU spent before the first request (Node, module loading, SDK set-up): the Kiota SDK's
  // modules alone take about 1.5 CPU seconds to load, which the whole-process figure hides.
  const startup = process.cpuUsage();
  let pages = 0;
  let last = null;
  let checksumSeconds = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < args.rounds; ++r) {
    const sum = new Checksum();
    pages += await readChain(sum);
    if (sum.messages !== args.messages || sum.hex() !== args.checksum) {
      console.error(`round ${r + 1}: read ${sum.messages} messages, checksum ${sum.hex()}; ` +
                    `the chain has ${args.messages} messages, checksum ${args.checksum}`);
      process.exit(1);
    }
    last = sum;
    checksumSeconds += sum.seconds;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const fields = { pages, messages: last.messages * args.rounds, ...extra, seconds: seconds.toFixed(3),
                   checksum_seconds: checksumSeconds.toFixed(3),
                   startup_cpu: ((startup.user + startup.system) / 1e6).toFixed(3), checksum: last.hex() };
  console.log(Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "function" ? v() : v}`).join(" "));
}
