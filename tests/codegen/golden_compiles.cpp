// The kitchen-sink golden headers (codegen/tests/golden) compiled and exercised a little:
// SPDX-License-Identifier: BSL-1.0
// features of the description format that the real schema does not use must produce
// valid, warning-free C++ too. Include paths: the golden outlook/mail/ comes first, the
// runtime (outlook/*.hpp) from include/.
#include <outlook/mail.hpp>
#include <outlook/mail/testing/decode_table.hpp>
#include <outlook/mail/testing/operation_table.hpp>

#include <boost/json/serialize.hpp>

#include <cstdio>
#include <string>

namespace ks = kitchen::sink;

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "codegen_golden_compiles: FAILED: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  // Keyword names, a property named like its type, a polymorphic collection.
  ks::note n{.subject = "s", .private_ = true};
  n.email_address = ks::email_address{.name = "A", .address = "a@example.invalid"};
  n.parts.push_back(ks::text_part{{.name = "p"}, "text"});
  ks::rule r{.delete_ = true, .target = ks::notebook{.display_name = "nb"}};
  check(r.target->display_name == "nb", "rule holds a notebook by value");

  // A patch: writable properties only, flags built with operator|.
  auto patch = ks::note_patch{}.private_(true).permissions(ks::permission::read | ks::permission::delete_).color(
      ks::color::default_);
  check(boost::json::serialize(outlook::encode_value(patch)) ==
            R"({"Private":true,"Color":"Default","Permissions":"Read, Delete"})",
        "patch encoding");

  // Decoding by @odata.type through the cycle note -> part -> note_part -> note; an alias.
  auto back = outlook::decode_text<ks::note>(
      R"({"Id":"1","Size":9007199254740993,"Parts":[{"@odata.type":"#Kitchen.Sink.NotePart","Note":{"Subject":"in"}}],)"
      R"("Color":"Verde","Permissions":"Delete, Read"})");
  check(back.id == "1", "flattened base property");
  check(back.size == 9007199254740993LL, "Int64 keeps every digit");
  check(back.color && *back.color == ks::color::green, "enum alias");
  const auto* inner = back.parts.at(0).as<ks::note_part>();
  check(inner && inner->note && inner->note->subject == "in", "polymorphic decode through the cycle");

  // Every operation is in the table; the decoders know every type.
  for (const char* op : {"list_notes", "get_note", "sync_notes", "create_note", "update_note", "delete_note",
                         "share_note", "get_note_size", "add_part", "list_notebooks_by_color"})
    check(ks::testing::find_operation(op) != nullptr, op);
  check(ks::testing::find_decoder("collection<note_part>") != nullptr, "decoder of a subtype collection");
  check(ks::folder::default_ == "Default", "well-known folder named like a keyword");

  if (failures == 0) std::printf("codegen_golden_compiles: ok\n");
  // A one_of reference: the family is chosen by @odata.type; a member of a polymorphic
  // family (TextPart of Part) is reached through as<>.
  auto nb = outlook::decode_text<ks::notebook>(R"({"Pinned": {"@odata.type": "#Kitchen.Sink.TextPart", "Text": "t"}})");
  check(nb.pinned && nb.pinned->as<ks::text_part>() && nb.pinned->as<ks::text_part>()->text == "t", "one_of picks the Part family");
  check(nb.pinned->as<ks::link_pin>() == nullptr, "one_of holds one family only");
  nb.pinned = ks::link_pin{.url = "https://example.invalid"};
  check(outlook::encode_value(nb).at("Pinned").at("@odata.type") == "#Kitchen.Sink.LinkPin", "one_of names the type it encodes");
  auto plain = outlook::decode_text<ks::notebook>(R"({"Pinned": {"Id": "x"}})");
  check(plain.pinned && plain.pinned->is<ks::pin>(), "no @odata.type: the fallback alternative");

  return failures == 0 ? 0 : 1;
}
