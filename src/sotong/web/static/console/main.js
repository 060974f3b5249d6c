// The moderation page: the queue and what is on screen, live from the console stream; decisions
// by keyboard or touch; the history with undo; bans.

import { createAnnouncer } from "./announce.js";
import { Actions } from "./actions.js";
import { createApi } from "./api.js";
import { BansView } from "./bans.js";
import { config, t } from "./config.js";
import { createBanDialog } from "./dialog.js";
import { HistoryView } from "./history.js";
import { bindShortcuts } from "./keys.js";
import { ListView } from "./list.js";
import { ConsoleStream } from "./live.js";
import { matches, queueOrder, screenOrder } from "./posts.js";

const $ = (selector) => document.querySelector(selector);
const TABS = ["queue", "screen", "history", "bans"];
const NEW_POSTS_NOTICE_MS = 1500;
const SIDE_REFRESH_MS = 600;

const api = createApi(config.api, config.csrf);
const announcer = createAnnouncer($("[data-announce]"), $("[data-alert]"));
const askBan = createBanDialog($("#ban-dialog"));
const filters = { source: "", image: "", rule: "" };
let activeTab = "queue";

const lists = {
  queue: new ListView($('[data-list="queue"]'), {
    kind: "queue",
    order: queueOrder,
    onChange: (info) => changed("queue", info),
  }),
  screen: new ListView($('[data-list="screen"]'), {
    kind: "screen",
    order: screenOrder,
    onChange: (info) => changed("screen", info),
  }),
};
const historyView = new HistoryView({
  list: $("[data-history]"),
  empty: $('[data-empty="history"]'),
  more: $("[data-history-more]"),
  api,
});
const bansView = new BansView({
  body: $("[data-bans]"),
  empty: $('[data-empty="bans"]'),
  lifted: $("[data-bans-lifted]"),
  api,
});
const actions = new Actions({ lists, api, announcer, askBan, changed: () => refreshSide() });
const fail = (problem) => actions.fail(problem);

function changed(kind, { focusEmpty }) {
  const list = lists[kind];
  if (!list) return;
  $(`[data-count="${kind}"]`).textContent = String(list.size);
  const empty = $(`[data-empty="${kind}"]`);
  empty.hidden = list.visibleIds().length > 0;
  empty.textContent =
    kind === "screen" ? t("empty_screen") : list.size ? t("empty_filtered") : t("empty_queue");
  if (focusEmpty && activeTab === kind && !empty.hidden) empty.focus();
  const selected = list.selectedIds().length;
  const bulk = $(`[data-bulk="${kind}"]`);
  bulk.hidden = selected === 0;
  bulk.querySelector("[data-selected-count]").textContent = t("selected", { count: selected });
  if (kind === "queue") updateSources(list);
}

function updateSources(list) {
  const select = $("#filter-source");
  const sources = [...new Set(list.all().map((post) => post.source).filter(Boolean))].sort();
  if (filters.source && !sources.includes(filters.source)) sources.push(filters.source);
  const shown = [...select.options].slice(1).map((option) => option.value);
  if (shown.join("\n") === sources.join("\n")) return;
  select.replaceChildren(select.options[0], ...sources.map((source) => new Option(source, source)));
  select.value = filters.source;
}

let sideTimer = 0;
function refreshSide() {
  clearTimeout(sideTimer);
  sideTimer = setTimeout(() => {
    if (activeTab === "history") historyView.refresh().catch(fail);
    if (activeTab === "bans") bansView.refresh().catch(fail);
  }, SIDE_REFRESH_MS);
}

function showTab(name, { focusTab = false, focusList = false } = {}) {
  activeTab = name;
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const on = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    if (on && focusTab) tab.focus();
  }
  for (const panel of document.querySelectorAll("[data-panel]")) panel.hidden = panel.dataset.panel !== name;
  if (name === "history") historyView.refresh().catch(fail);
  if (name === "bans") bansView.refresh().catch(fail);
  if (focusList && lists[name]) lists[name].focusCurrent();
  history.replaceState(null, "", `#${name}`);
}

function actionFor(kind, key, post) {
  switch (key) {
    case "A":
      return kind === "queue" ? "approve" : null;
    case "R":
      return "reject";
    case "H":
      return kind === "screen" ? "hide" : null;
    case "P":
      return kind === "screen" && post.pinned ? "unpin" : "pin";
    case "F":
      return kind === "screen" && post.featured ? "unfeature" : "feature";
    case "B":
      return "ban";
    default:
      return null;
  }
}

bindShortcuts((key, event) => {
  if (event.repeat && key !== "J" && key !== "K") return false;
  const tabNumber = Number(key);
  if (Number.isInteger(tabNumber) && tabNumber >= 1 && tabNumber <= TABS.length) {
    showTab(TABS[tabNumber - 1], { focusList: true, focusTab: !lists[TABS[tabNumber - 1]] });
    return true;
  }
  if (key === "U") {
    actions.undoLast();
    return true;
  }
  const list = lists[activeTab];
  if (!list) return false;
  const current = list.current();
  switch (key) {
    case "J":
      list.move(1);
      return true;
    case "K":
      list.move(-1);
      return true;
    case "X":
      if (current) list.toggleSelected(current.id);
      return Boolean(current);
    case "Escape":
      if (!list.selectedIds().length) return false;
      list.clearSelection();
      return true;
    case "Shift+A":
    case "Shift+R":
    case "Shift+H": {
      const action = actionFor(activeTab, key.slice(-1), {});
      if (action) actions.decideSelected(activeTab, action);
      return Boolean(action);
    }
  }
  const action = current ? actionFor(activeTab, key, current) : null;
  if (!action) return false;
  actions.decide(activeTab, action, current);
  return true;
});

for (const kind of ["queue", "screen"]) {
  const root = $(`[data-list="${kind}"]`);
  root.addEventListener("click", (event) => {
    const item = event.target.closest(".mod-item");
    const post = item ? lists[kind].get(item.dataset.id) : null;
    if (!post) return;
    if (event.target.closest("[data-select]")) {
      lists[kind].setCurrent(post.id);
      lists[kind].toggleSelected(post.id);
      return;
    }
    const button = event.target.closest("[data-action]");
    if (button) actions.decide(kind, button.dataset.action, post);
  });
  root.addEventListener("focusin", (event) => {
    const item = event.target.closest(".mod-item");
    if (item && lists[kind].current()?.id !== item.dataset.id) lists[kind].setCurrent(item.dataset.id);
  });
}

for (const button of document.querySelectorAll("[data-select-all]")) {
  button.addEventListener("click", () => lists[button.dataset.selectAll].selectVisible());
}
for (const kind of ["queue", "screen"]) {
  const bar = $(`[data-bulk="${kind}"]`);
  bar.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (button?.dataset.bulkAction) actions.decideSelected(kind, button.dataset.bulkAction);
    else if (button?.hasAttribute("data-bulk-clear")) lists[kind].clearSelection();
  });
}

$("[data-filters]").addEventListener("change", (event) => {
  const { name, value } = event.target;
  if (name in filters) filters[name] = value;
  lists.queue.setFilter((post) => matches(post, filters));
});
$("[data-filters]").addEventListener("submit", (event) => event.preventDefault());

$("[data-history]").addEventListener("click", (event) => {
  const button = event.target.closest("[data-undo]");
  if (button) actions.undo(Number(button.dataset.undo));
});
$("[data-bans]").addEventListener("click", (event) => {
  const button = event.target.closest("[data-lift]");
  if (button) actions.lift(Number(button.dataset.lift), button.dataset.author);
});

const tablist = $('[role="tablist"]');
tablist.addEventListener("click", (event) => {
  const tab = event.target.closest('[role="tab"]');
  if (tab) showTab(tab.dataset.tab);
});
tablist.addEventListener("keydown", (event) => {
  const index = TABS.indexOf(activeTab);
  const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: TABS.length - 1 - index };
  if (!(event.key in moves)) return;
  event.preventDefault();
  showTab(TABS[(index + moves[event.key] + TABS.length) % TABS.length], { focusTab: true });
});

// Arrivals are announced together once they pause; a post decided meanwhile (here or by another
// moderator) is no longer news, and must not talk over the result of that decision.
const arrivals = new Set();
let newTimer = 0;
function noteNew(id) {
  arrivals.add(id);
  clearTimeout(newTimer);
  newTimer = setTimeout(() => {
    const count = [...arrivals].filter((waiting) => lists.queue.get(waiting)).length;
    arrivals.clear();
    if (count) announcer.say(t("new_waiting", { count }));
  }, NEW_POSTS_NOTICE_MS);
}

function setConnection(state) {
  $(".mod-connection").dataset.connection = state;
  $("[data-connection-label]").textContent = t(state);
  document.body.dataset.connection = state;
}

new ConsoleStream(config.events, {
  state: setConnection,
  reset(data) {
    lists.queue.reset(Array.isArray(data.queue) ? data.queue : []);
    lists.screen.reset(Array.isArray(data.posts) ? data.posts : []);
    if (data.wall?.title) $("[data-wall-title]").textContent = data.wall.title;
    refreshSide();
  },
  queued(post) {
    if (actions.isPending("queue", post.id)) return;
    const arriving = !lists.queue.get(post.id);
    lists.queue.upsert(post);
    if (arriving) noteNew(post.id);
    refreshSide();
  },
  unqueued({ id }) {
    if (actions.isPending("queue", id)) {
      actions.noteGone("queue", id);
      return;
    }
    const wasCurrent = activeTab === "queue" && lists.queue.current()?.id === id;
    const hadFocus = document.activeElement?.closest?.(".mod-item")?.dataset.id === id;
    if (lists.queue.remove(id) && wasCurrent && hadFocus) announcer.say(t("decided_elsewhere"));
    refreshSide();
  },
  post(post) {
    if (post.status && post.status !== "approved") lists.screen.remove(post.id);
    else if (!actions.isPending("screen", post.id)) lists.screen.upsert(post, { merge: true });
    refreshSide();
  },
  remove({ id }) {
    actions.noteGone("screen", id);
    lists.screen.remove(id);
    refreshSide();
  },
  wall(wall) {
    if (wall?.title) $("[data-wall-title]").textContent = wall.title;
  },
}).start();

// On a touch screen the shortcut legend starts folded away.
if (matchMedia("(pointer: coarse)").matches) $(".mod-legend details")?.removeAttribute("open");

const initial = location.hash.slice(1);
showTab(TABS.includes(initial) ? initial : "queue");
