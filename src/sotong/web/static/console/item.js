// One post in the queue or on screen, drawn from untrusted data with textContent only.

import { locale, ruleLabel, t } from "./config.js";
import { authorName, images, ruleCodes } from "./posts.js";

const MAX_IMAGES = 4;
const QUEUE_ACTIONS = [
  ["approve", "A"],
  ["reject", "R"],
  ["pin", "P"],
  ["feature", "F"],
  ["ban", "B"],
];

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function clockTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(locale(), {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).format(date);
}

function screenActions(post) {
  return [
    ["reject", "R", t("remove")],
    ["hide", "H", t("hide")],
    post.pinned ? ["unpin", "P", t("unpin")] : ["pin", "P", t("pin")],
    post.featured ? ["unfeature", "F", t("unfeature")] : ["feature", "F", t("feature")],
    ["ban", "B", t("ban")],
  ];
}

function media(post) {
  const box = element("div", "mod-item__media");
  for (const item of images(post).slice(0, MAX_IMAGES)) {
    if (item.kind === "unavailable") {
      box.append(element("span", "mod-item__unavailable", t("image_unavailable")));
      continue;
    }
    const source = item.thumb_url || item.url;
    if (typeof source !== "string" || !/^(https?:\/\/|\/)/.test(source)) continue;
    const image = element("img");
    image.src = source;
    image.alt = item.alt || t("image");
    image.loading = "lazy";
    image.decoding = "async";
    image.referrerPolicy = "no-referrer";
    if (item.width && item.height) {
      image.width = item.width;
      image.height = item.height;
    }
    box.append(image);
  }
  return box;
}

function reasons(post) {
  const box = element("p", "mod-item__flags");
  for (const code of ruleCodes(post)) box.append(element("span", "mod-flag mod-flag--rule", ruleLabel(code)));
  if (post.reason) box.append(element("span", "mod-item__reason", post.reason));
  if (!box.childElementCount && post.status === "pending") {
    box.append(element("span", "mod-item__reason", t("waiting")));
  }
  if (post.sensitive) box.append(element("span", "mod-flag", t("sensitive")));
  if (post.pinned) box.append(element("span", "mod-flag mod-flag--pinned", t("pinned")));
  if (post.featured) box.append(element("span", "mod-flag mod-flag--featured", t("featured")));
  return box;
}

/** kind: "queue" or "screen". Buttons carry data-action; the list handles their clicks. */
export function renderItem(post, kind) {
  const item = element("li", "mod-item");
  item.dataset.id = post.id;
  item.tabIndex = -1;
  const name = authorName(post);
  const labelId = `item-${kind}-${post.id}`;

  const check = element("input", "mod-item__check");
  check.type = "checkbox";
  check.dataset.select = "";
  check.setAttribute("aria-label", t("select_post", { author: name }));

  const body = element("div", "mod-item__body");
  const meta = element("p", "mod-item__meta");
  const author = element("strong", "mod-item__author", name);
  author.id = labelId;
  meta.append(author);
  if (post.author?.handle && post.author.handle !== name) {
    meta.append(" ", element("span", "mod-item__handle", post.author.handle));
  }
  meta.append(" · ", element("span", "mod-item__source", post.source || ""));
  const when = kind === "queue" ? post.received_at : post.shown_at;
  const time = element("time", "", t(kind === "queue" ? "arrived" : "shown", { time: clockTime(when) }));
  if (when) time.dateTime = when;
  meta.append(" · ", time);
  const textBlock = element("p", "mod-item__text", post.text || t("no_text"));
  textBlock.id = `${labelId}-text`;
  const flags = reasons(post);
  flags.id = `${labelId}-flags`;
  body.append(meta, flags, textBlock);
  item.setAttribute("aria-labelledby", `${labelId} ${textBlock.id}`);
  item.setAttribute("aria-describedby", flags.id);

  const actions = element("div", "mod-item__actions");
  const buttons =
    kind === "queue"
      ? QUEUE_ACTIONS.map(([action, key]) => [action, key, t(action)])
      : screenActions(post);
  for (const [action, key, label] of buttons) {
    const button = element("button", `mod-action mod-action--${action}`);
    button.type = "button";
    button.dataset.action = action;
    button.setAttribute("aria-keyshortcuts", key);
    button.append(label, " ", element("kbd", "", key));
    actions.append(button);
  }
  item.append(check, media(post), body, actions);
  return item;
}
