// outlook-mail benchmarks: checks chain.mjs's Checksum against a plain BigInt FNV-1a 64.
// SPDX-License-Identifier: BSL-1.0
//
// bench/run already compares every JS round with the checksum the C++ side printed, but
// the chain's text is ASCII plus "été"; this covers the UTF-8 encoding paths the chain
// does not reach (3- and 4-byte characters, surrogate pairs) and empty fields.
// Run: npm test (in bench/js), or node checksum_test.mjs. Exits 1 on a mismatch.
import { Checksum } from "./chain.mjs";

/** The reference: BigInt arithmetic over Node's own UTF-8 encoding of each field. */
function reference(fields) {
  const mask = (1n << 64n) - 1n;
  let value = 1469598103934665603n; // message_pages.hpp's starting value
  const step = (b) => { value = ((value ^ BigInt(b)) * 1099511628211n) & mask; };
  for (const field of fields) {
    for (const b of Buffer.from(field, "utf8")) step(b);
    step(0xff);
  }
  return value.toString(16).padStart(16, "0");
}

/** A deterministic mix of characters of every UTF-8 length, no lone surrogates. */
function field(seed, length) {
  const pools = [[0x20, 0x7f], [0x80, 0x800], [0x800, 0xd800], [0xe000, 0x10000], [0x10000, 0x110000]];
  let x = seed;
  let s = "";
  for (let i = 0; i < length; ++i) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const [lo, hi] = pools[x % pools.length];
    s += String.fromCodePoint(lo + (x >>> 8) % (hi - lo));
  }
  return s;
}

const cases = [[], [""], ["", ""], ["a"], ["été", "x"], ["\u{1F600}", "中文", "\u07ff\u0800\uffff\u{10ffff}"]];
for (let seed = 1; seed <= 300; ++seed) cases.push([field(seed, seed % 40), field(seed * 7, seed % 13), ""]);
cases.push(["x".repeat(100000) + field(9, 5000)]);

let failures = 0;
for (const fields of cases) {
  const sum = new Checksum();
  for (const f of fields) sum.add(f);
  if (sum.hex() !== reference(fields)) {
    ++failures;
    console.error(`mismatch for ${JSON.stringify(fields).slice(0, 80)}: ${sum.hex()} != ${reference(fields)}`);
  }
}
console.log(`${cases.length} cases, ${failures} mismatches`);
process.exit(failures ? 1 : 0);
