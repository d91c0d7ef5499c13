// outlook-mail benchmarks: Microsoft's Graph JavaScript client (3.0.7) paging the Graph chain.
// SPDX-License-Identifier: BSL-1.0
//
// @microsoft/microsoft-graph-client returns pages as plain JSON objects (no typed models),
// so this row measures its request pipeline (middleware chain, auth, headers) on top of
// Node's fetch + JSON.parse. It follows @odata.nextLink the way its PageIterator does,
// with client.api(nextLink).get(), and folds each message into the chain's checksum.
// Usage: see chain.mjs.
import { Client } from "@microsoft/microsoft-graph-client";

import { addPlainMessage, packageVersion, parseArgs, run, TOKEN } from "./chain.mjs";

const args = parseArgs(process.argv);
const base = new URL(args.base); // https://127.0.0.1:PORT/v1.0

// A custom auth provider with a fixed token: no sign-in, nothing leaves loopback.
const authProvider = { getAccessToken: async () => TOKEN };

const client = Client.initWithMiddleware({
  authProvider,
  baseUrl: base.origin,
  defaultVersion: base.pathname.replace(/^\/+/, ""),
  // The client attaches the token only to Graph's own hosts and these (host names, no port).
  customHosts: new Set([base.hostname]),
  // undici asks for gzip by default; the C++ rows read the chain uncompressed.
  fetchOptions: { headers: { "Accept-Encoding": "identity" } },
});

await run(args, async (sum) => {
  let pages = 0;
  let page = await client.api("/me/messages").get();
  for (;;) {
    ++pages;
    sum.foldPage(page.value, addPlainMessage);
    const next = page["@odata.nextLink"];
    if (!next) return pages;
    page = await client.api(next).get();
  }
}, { version: packageVersion("@microsoft/microsoft-graph-client") });
