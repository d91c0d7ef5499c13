// outlook-mail benchmarks: Node's own floor for paging the Graph chain, no SDK.
// SPDX-License-Identifier: BSL-1.0
//
// Node's built-in fetch (undici) and JSON.parse, following @odata.nextLink by hand: what
// any Node client pays before an SDK adds its own layers, so the SDK rows can be read
// against Node itself as well as against the C++ library. Usage: see chain.mjs.
import { addPlainMessage, parseArgs, run, TOKEN } from "./chain.mjs";

const args = parseArgs(process.argv);
// Same headers as the SDK rows. "identity": undici asks for gzip by default, and the
// C++ rows this one is compared with read the chain uncompressed (nginx gzips on request).
const headers = { Authorization: `Bearer ${TOKEN}`, Accept: "application/json", "Accept-Encoding": "identity" };
let bytes = 0;

await run(args, async (sum) => {
  let pages = 0;
  for (let url = `${args.base}/me/messages`; url; ++pages) {
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
    const text = await response.text();
    // nginx sends a Content-Length for its static files; measuring the string would add work.
    bytes += Number(response.headers.get("content-length") ?? Buffer.byteLength(text, "utf8"));
    const page = JSON.parse(text);
    sum.foldPage(page.value, addPlainMessage);
    url = page["@odata.nextLink"];
  }
  return pages;
}, { bytes: () => bytes, version: process.version });
