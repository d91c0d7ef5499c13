// outlook-mail: finding a mail folder by its display-name path, and creating a folder at
// the top of the mailbox.
//
// Folder IDs are opaque and differ per mailbox; people name folders by their display
// names ("Inbox/Newsletters"). These helpers walk the folder tree with the mailbox's own
// operations, so they take the generated mailbox type as a template parameter and work
// for any dialect whose mailbox has list_folders_pages, list_child_folders_pages and
// create_folder (outlook::mail::mailbox today).
//
//     auto newsletters = co_await outlook::find_folder(me, "Inbox/Newsletters");
//     if (!newsletters) newsletters = co_await outlook::create_top_level_folder(me, "Newsletters");
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "outlook/error.hpp"
#include "outlook/http.hpp"

namespace outlook {

namespace helpers_detail {

/// The options type a member function takes as its last parameter.
template <class F>
struct last_parameter;
template <class R, class C, class... A>
struct last_parameter<R (C::*)(A...) const> {
  using type = std::remove_cvref_t<decltype((std::declval<A>(), ...))>;
};

/// What list_folders() of a mailbox gives per item (outlook::poly<mail_folder>).
template <class Mailbox>
using folder_of =
    typename decltype(std::declval<typename decltype(std::declval<const Mailbox&>().list_folders())::value_type>().value)::value_type;

/// The folder names of a path: "Inbox/Newsletters" gives {"Inbox", "Newsletters"}.
/// An empty path or an empty name ("Inbox//x", "/Inbox") is refused.
[[nodiscard]] inline std::vector<std::string> split_folder_path(std::string_view path) {
  std::vector<std::string> names;
  while (true) {
    const auto slash = path.find('/');
    std::string_view name = path.substr(0, slash);
    if (name.empty())
      throw request_refused("folder path \"" + std::string(path) + "\": a folder name is empty (paths look like \"Inbox/Newsletters\")");
    names.emplace_back(name);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return names;
}

/// The first folder of `pages` whose display name equals `name` (ASCII case ignored, as
/// the service compares folder names), reading further pages only while none matched.
template <class Folder, class Pager>
boost::asio::awaitable<std::optional<Folder>> first_named(Pager pages, std::string name) {
  while (auto page = co_await pages.next())
    for (auto& folder : page->value)
      if (folder->display_name && iequals(*folder->display_name, name)) co_return std::move(folder);
  co_return std::nullopt;
}

}  // namespace helpers_detail

/// The well-known name of the folder at the top of a mailbox's folder tree, the parent of
/// Inbox, Sent Items and every top-level folder a user creates.
inline constexpr std::string_view top_of_folder_tree{"MsgFolderRoot"};

/// Folders listed per request while walking the tree (the service's largest page is
/// larger; a page of this size keeps most mailboxes to one request per level).
inline constexpr int folder_page_size = 100;

/// The folder reached by following `names` from the top of the folder tree, one child
/// folder per name (ASCII case ignored), or nullopt when some name is not found. Each level
/// is read page by page (the client follows @odata.nextLink) until the name is found.
/// For display names that contain '/' (find_folder splits its path at every '/').
template <class Mailbox>
boost::asio::awaitable<std::optional<helpers_detail::folder_of<Mailbox>>> find_folder_by_names(Mailbox mailbox,
                                                                                               std::vector<std::string> names) {
  using folder = helpers_detail::folder_of<Mailbox>;
  if (names.empty()) throw request_refused("find_folder_by_names: no folder name given");
  using list_options = typename helpers_detail::last_parameter<decltype(&Mailbox::list_folders_pages)>::type;
  using child_options = typename helpers_detail::last_parameter<decltype(&Mailbox::list_child_folders_pages)>::type;
  list_options top;
  top.top = folder_page_size;
  auto found = co_await helpers_detail::first_named<folder>(mailbox.list_folders_pages(top), std::move(names.front()));
  for (std::size_t i = 1; found && i < names.size(); ++i) {
    if (!(*found)->id) throw decode_error("", "find_folder: the service sent a folder without an ID");
    child_options children;
    children.top = folder_page_size;
    found = co_await helpers_detail::first_named<folder>(mailbox.list_child_folders_pages(*(*found)->id, children),
                                                         std::move(names[i]));
  }
  co_return found;
}

/// The folder at `path`, display names separated by '/' ("Inbox/Newsletters"), from the
/// top of the folder tree; nullopt when it does not exist. The first name is a display name
/// like the others (a mailbox in German has "Posteingang", not "Inbox"). Throws
/// request_refused for an empty path or an empty name, and what the mailbox's operations
/// throw (api_error, transport_error, ...).
template <class Mailbox>
boost::asio::awaitable<std::optional<helpers_detail::folder_of<Mailbox>>> find_folder(Mailbox mailbox, std::string_view path) {
  return find_folder_by_names(std::move(mailbox), helpers_detail::split_folder_path(path));
}

/// Creates a folder named `display_name` at the top of the folder tree, next to Inbox
/// (the parent is the well-known folder MsgFolderRoot). Returns the created folder; the
/// service answers 409 (api_error) when a folder of that name is already there.
template <class Mailbox>
boost::asio::awaitable<helpers_detail::folder_of<Mailbox>> create_top_level_folder(Mailbox mailbox, std::string display_name) {
  co_return co_await mailbox.create_folder(top_of_folder_tree, display_name);
}

}  // namespace outlook
