// The history tab: recent decisions with who and when, and undo.

import { actionLabel, t } from "./config.js";
import { clockTime } from "./item.js";
import { authorName } from "./posts.js";

const EXCERPT = 80;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function actorName(actor) {
  return String(actor || "").replace(/^(user|token):/, "");
}

function excerpt(text) {
  const flat = String(text || "").replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT)}…` : flat;
}

function renderEntry(entry) {
  const item = element("li", "mod-history__entry");
  item.dataset.decision = entry.id;
  const head = element("p", "mod-history__head");
  const time = element("time", "", clockTime(entry.at));
  time.dateTime = entry.at;
  head.append(time, " ", element("strong", "", actionLabel(entry.action)));
  head.append(" ", element("span", "muted", t("by", { actor: actorName(entry.actor) })));
  if (entry.count > 1) head.append(" · ", t("posts_count", { count: entry.count }));
  if (entry.reason) head.append(" · ", element("span", "mod-item__reason", entry.reason));
  item.append(head);
  const posts = element("ul", "mod-history__posts");
  for (const post of entry.posts.slice(0, 5)) {
    const line = element("li");
    line.append(element("strong", "", authorName(post)), " ", excerpt(post.text));
    posts.append(line);
  }
  if (entry.posts.length > 5) posts.append(element("li", "muted", "…"));
  item.append(posts);
  if (entry.undone_at) {
    item.append(element("p", "muted", t("undone_by", { actor: actorName(entry.undone_by) })));
  } else if (entry.undoable) {
    const undo = element("button", "mod-history__undo", t("undo"));
    undo.type = "button";
    undo.dataset.undo = entry.id;
    undo.setAttribute("aria-label", t("undo_named", { action: actionLabel(entry.action) }));
    item.append(undo);
  }
  return item;
}

export class HistoryView {
  #list;
  #empty;
  #more;
  #api;
  #next = null;
  #loading = null;

  constructor({ list, empty, more, api }) {
    this.#list = list;
    this.#empty = empty;
    this.#more = more;
    this.#api = api;
    more.addEventListener("click", () => this.#load(this.#next, { append: true }));
  }

  /** Load the newest page again (after a change, or when the tab opens). */
  refresh() {
    this.#loading ??= this.#load(null, { append: false }).finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  async #load(before, { append }) {
    const page = await this.#api.history(before);
    const focusedId = document.activeElement?.closest?.("[data-decision]")?.dataset.decision;
    if (!append) this.#list.replaceChildren();
    for (const entry of page.entries) this.#list.append(renderEntry(entry));
    this.#next = page.next;
    this.#more.hidden = page.next === null;
    this.#empty.hidden = this.#list.childElementCount > 0;
    this.#empty.textContent = t("empty_history");
    if (focusedId) this.#list.querySelector(`[data-decision="${CSS.escape(focusedId)}"] button`)?.focus();
  }
}
