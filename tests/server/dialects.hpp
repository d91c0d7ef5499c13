// The two dialects as type parameters of the server tests: one test body, templated on
// one of these, runs through the Outlook v2.0 client and through the Graph v1.0 client.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <outlook/graph.hpp>
#include <outlook/mail.hpp>

#include <string_view>

namespace server_tests {

struct outlook_v2 {
  using client = outlook::mail::client;
  using message = outlook::mail::message;
  using recipient = outlook::mail::recipient;
  using email_address = outlook::mail::email_address;
  using item_body = outlook::mail::item_body;
  using body_type = outlook::mail::body_type;
  using attachment = outlook::mail::attachment;
  using file_attachment = outlook::mail::file_attachment;
  using sync_messages_options = outlook::mail::sync_messages_options;
  using sync_folders_options = outlook::mail::sync_folders_options;
  using automatic_replies_setting = outlook::mail::automatic_replies_setting;
  using automatic_replies_status = outlook::mail::automatic_replies_status;
  using external_audience_scope = outlook::mail::external_audience_scope;
  using mailbox_settings_patch = outlook::mail::mailbox_settings_patch;
  static constexpr std::string_view inbox = outlook::mail::folder::inbox;
  static constexpr std::string_view api = "/api/v2.0";
  static constexpr std::string_view item_type = "#Microsoft.OutlookServices.ItemAttachment";
  static constexpr std::string_view message_type = "#Microsoft.OutlookServices.Message";
  static constexpr std::string_view reference_type = "#Microsoft.OutlookServices.ReferenceAttachment";
};

struct graph_v1 {
  using client = outlook::graph::client;
  using message = outlook::graph::message;
  using recipient = outlook::graph::recipient;
  using email_address = outlook::graph::email_address;
  using item_body = outlook::graph::item_body;
  using body_type = outlook::graph::body_type;
  using attachment = outlook::graph::attachment;
  using file_attachment = outlook::graph::file_attachment;
  using sync_messages_options = outlook::graph::sync_messages_options;
  using sync_folders_options = outlook::graph::sync_folders_options;
  using automatic_replies_setting = outlook::graph::automatic_replies_setting;
  using automatic_replies_status = outlook::graph::automatic_replies_status;
  using external_audience_scope = outlook::graph::external_audience_scope;
  using mailbox_settings_patch = outlook::graph::mailbox_settings_patch;
  static constexpr std::string_view inbox = outlook::graph::folder::inbox;
  static constexpr std::string_view api = "/v1.0";
  static constexpr std::string_view item_type = "#microsoft.graph.itemAttachment";
  static constexpr std::string_view message_type = "#microsoft.graph.message";
  static constexpr std::string_view reference_type = "#microsoft.graph.referenceAttachment";
};

}  // namespace server_tests
