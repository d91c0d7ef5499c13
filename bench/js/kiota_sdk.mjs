// outlook-mail benchmarks: the Kiota JavaScript SDK (@microsoft/msgraph-sdk) paging the Graph chain.
// SPDX-License-Identifier: BSL-1.0
//
// The Kiota-generated Graph SDK turns each page into typed models (MessageCollectionResponse,
// Message, Recipient, ...) through its parse nodes: the closest peer of the C++ library's
// typed paging. me/messages comes from @microsoft/msgraph-sdk-users (the package that adds
// the `users` and `me` paths to the service client). The next page is fetched the way the
// SDK's PageIterator does it, the same builder with .withUrl(odataNextLink).
// Usage: see chain.mjs.
import { AllowedHostsValidator, BaseBearerTokenAuthenticationProvider } from "@microsoft/kiota-abstractions";
import { createGraphServiceClient, GraphRequestAdapter } from "@microsoft/msgraph-sdk";
import "@microsoft/msgraph-sdk-users";

import { packageVersion, parseArgs, run, TOKEN } from "./chain.mjs";

const args = parseArgs(process.argv);
const host = new URL(args.base).hostname;

// A custom auth provider with a fixed token (no sign-in): Kiota's bearer-token provider
// over an access token provider that allows only the bench's host.
const validator = new AllowedHostsValidator(new Set([host]));
const authProvider = new BaseBearerTokenAuthenticationProvider({
  getAuthorizationToken: async (url) => (validator.isUrlHostValid(url) ? TOKEN : ""),
  getAllowedHostsValidator: () => validator,
});
const adapter = new GraphRequestAdapter(authProvider);
adapter.baseUrl = args.base; // https://127.0.0.1:PORT/v1.0 instead of graph.microsoft.com
const client = createGraphServiceClient(adapter);

// undici asks for gzip by default; the C++ rows read the chain uncompressed.
const config = { headers: { "Accept-Encoding": "identity" } };

/** Folds one typed Message (the models' camelCase properties). */
function addTypedMessage(sum, m) {
  sum.message(m.id, m.subject, m.body?.content, (m.toRecipients ?? []).map((r) => r.emailAddress?.address));
}

await run(args, async (sum) => {
  let pages = 0;
  let page = await client.me.messages.get(config);
  for (;;) {
    if (!page) throw new Error("an empty page");
    ++pages;
    sum.foldPage(page.value ?? [], addTypedMessage);
    if (!page.odataNextLink) return pages;
    page = await client.me.messages.withUrl(page.odataNextLink).get(config);
  }
}, { version: packageVersion("@microsoft/msgraph-sdk") });
