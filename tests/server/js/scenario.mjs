// SPDX-License-Identifier: BSL-1.0
// Microsoft's Graph JavaScript client (@microsoft/microsoft-graph-client, pinned in
// package-lock.json) runs a mail scenario against the local mailbox server, pointed at it
// with the client's documented options (baseUrl, customHosts). The server's self-signed
// certificate is trusted through NODE_EXTRA_CA_CERTS; TLS verification stays on.
//
//   node scenario.mjs https://127.0.0.1:PORT
//
// Adele creates a folder, writes a draft with a file attachment and sends it to Alex;
// Alex sends her five reports; she lists them with $select/$filter/$orderby/$top and pages
// with PageIterator; she runs a delta round, moves one message and deletes another, and a
// second round reports exactly those two removals. Every answer is checked.
import assert from "node:assert/strict";
import { Client, PageIterator } from "@microsoft/microsoft-graph-client";

const origin = process.argv[2];
assert.match(origin ?? "", /^https:\/\/127\.0\.0\.1:\d+$/, "usage: node scenario.mjs https://127.0.0.1:PORT");

function clientFor(token) {
  return Client.init({
    authProvider: (done) => done(null, token),
    baseUrl: origin,
    defaultVersion: "v1.0",
    customHosts: new Set(["127.0.0.1"]),
  });
}
const adele = clientFor("adele-token");
const alex = clientFor("alex-token");
const step = (text) => console.log(`--> ${text}`);

// 1. A folder.
step("create a folder");
const folder = await adele.api("/me/mailFolders").post({ displayName: "JS scenario" });
assert.equal(folder.displayName, "JS scenario");
assert.ok(folder.id);
assert.equal(folder.totalItemCount, 0);
const folders = await adele.api("/me/mailFolders").get();
assert.ok(folders.value.some((f) => f.id === folder.id), "the new folder is listed");

// 2. A draft with a file attachment, sent to a second user.
step("draft with an attachment, sent to Alex");
const agenda = "Agenda: 1. budget 2. launch\n";
const draft = await adele.api("/me/messages").post({
  subject: "Agenda for Monday",
  body: { contentType: "html", content: "<p>See the attached agenda.</p>" },
  toRecipients: [{ emailAddress: { address: "alex@contoso.example" } }],
});
assert.equal(draft.isDraft, true);
assert.equal(draft.hasAttachments, false);
const attachment = await adele.api(`/me/messages/${draft.id}/attachments`).post({
  "@odata.type": "#microsoft.graph.fileAttachment",
  name: "agenda.txt",
  contentType: "text/plain",
  contentBytes: Buffer.from(agenda).toString("base64"),
});
assert.equal(attachment["@odata.type"], "#microsoft.graph.fileAttachment");
assert.equal(attachment.size, Buffer.byteLength(agenda));
assert.equal((await adele.api(`/me/messages/${draft.id}`).get()).hasAttachments, true);
await adele.api(`/me/messages/${draft.id}/send`).post({});

const received = await alex
  .api("/me/mailFolders/inbox/messages")
  .filter("subject eq 'Agenda for Monday'")
  .expand("attachments")
  .get();
assert.equal(received.value.length, 1);
const copy = received.value[0];
assert.equal(copy.isRead, false);
assert.equal(copy.from.emailAddress.address, "adele@contoso.example");
assert.equal(copy.attachments.length, 1);
assert.equal(copy.attachments[0].name, "agenda.txt");
assert.equal(Buffer.from(copy.attachments[0].contentBytes, "base64").toString(), agenda);
const sent = await adele.api("/me/mailFolders/sentitems/messages").filter("subject eq 'Agenda for Monday'").get();
assert.equal(sent.value.length, 1, "a copy is in Adele's Sent Items");

// 3. Alex sends five reports; Adele lists them with $select/$filter/$orderby/$top and pages.
step("list with $select/$filter/$orderby/$top, paged with PageIterator");
for (let i = 1; i <= 5; ++i) {
  await alex.api("/me/sendMail").post({
    message: { subject: `Report ${i}`, toRecipients: [{ emailAddress: { address: "adele@contoso.example" } }] },
    saveToSentItems: false,
  });
}
const first = await adele
  .api("/me/mailFolders/inbox/messages")
  .select("subject,from")
  .filter("startswith(subject,'Report') and from/emailAddress/address eq 'alex@contoso.example'")
  .orderby("subject desc")
  .top(2)
  .get();
assert.equal(first.value.length, 2);
assert.ok(first["@odata.nextLink"], "a first page of two has a next link");
const listed = [];
await new PageIterator(adele, first, (m) => {
  assert.deepEqual(Object.keys(m).filter((k) => !k.startsWith("@")).sort(), ["from", "id", "subject"]);
  listed.push(m.subject);
  return true;
}).iterate();
assert.deepEqual(listed, ["Report 5", "Report 4", "Report 3", "Report 2", "Report 1"]);

// 4. Two delta rounds: the second after a move and a delete reports exactly those two.
step("delta round 1");
async function deltaRound(start) {
  const changes = [];
  let response = await adele.api(start).header("Prefer", "odata.maxpagesize=2").get();
  for (;;) {
    changes.push(...response.value);
    if (response["@odata.deltaLink"]) return { changes, deltaLink: response["@odata.deltaLink"] };
    assert.ok(response["@odata.nextLink"], "a delta page has a next link or a delta link");
    response = await adele.api(response["@odata.nextLink"]).header("Prefer", "odata.maxpagesize=2").get();
  }
}
const round1 = await deltaRound("/me/mailFolders/inbox/messages/delta");
const subjects = round1.changes.map((m) => m.subject).sort();
assert.deepEqual(subjects, ["Report 1", "Report 2", "Report 3", "Report 4", "Report 5", "Welcome"]);
assert.ok(round1.changes.every((m) => !m["@removed"]));
assert.ok(round1.deltaLink.startsWith(`${origin}/v1.0/`), "the delta link names the server itself");

step("move one, delete one; delta round 2");
const byName = Object.fromEntries(round1.changes.map((m) => [m.subject, m.id]));
const moved = await adele.api(`/me/messages/${byName["Report 1"]}/move`).post({ destinationId: folder.id });
assert.notEqual(moved.id, byName["Report 1"], "a moved message gets a new ID");
assert.equal(moved.parentFolderId, folder.id);
await adele.api(`/me/messages/${byName["Report 2"]}`).delete();
const round2 = await deltaRound(round1.deltaLink);
assert.equal(round2.changes.length, 2, JSON.stringify(round2.changes));
assert.ok(round2.changes.every((m) => m["@removed"]?.reason === "deleted"));
assert.deepEqual(round2.changes.map((m) => m.id).sort(), [byName["Report 1"], byName["Report 2"]].sort());
assert.equal((await adele.api(`/me/mailFolders/${folder.id}`).get()).totalItemCount, 1);

// 5. Errors come back as the client's GraphError with the service's code.
step("errors");
await assert.rejects(adele.api("/me/messages/AAMkAAAAAAAAAAAAAAAA").get(), (e) => e.statusCode === 404 && e.code === "ErrorItemNotFound");
await assert.rejects(
  adele.api("/me/messages").filter("subject eq").get(),
  (e) => e.statusCode === 400 && e.code === "ErrorInvalidUrlQueryFilter",
);
console.log("the Graph JavaScript client scenario passed");
