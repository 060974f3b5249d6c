// Renders one post as a card. Post data is untrusted: it only ever reaches the DOM through
// textContent and attributes, and only `text` is shown (never `html`).

import { icon, sourceGlyph } from "./icons.js";
import { buildFigure, figureKey, pictures, veiled } from "./media.js";
import { safeImageUrl } from "./urls.js";

const HASHTAG = /[#＃][\p{L}\p{M}\p{N}_]+/gu;
const QUOTE_MAX_CHARS = 50;

const rendered = new WeakMap(); // card -> signature of the post it shows
const figureKeys = new WeakMap(); // figure -> which picture it shows

function element(tag, className, doc = document) {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  return node;
}

function text(value) {
  return typeof value === "string" ? value : "";
}

/** A post's text with tidy line breaks (what cards and the ticker band show). */
export function cleanText(value) {
  return text(value)
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function firstGrapheme(value) {
  const trimmed = value.trim().replace(/^@/, "");
  if (!trimmed) return "?";
  if (typeof Intl !== "undefined" && Intl.Segmenter) {
    const first = new Intl.Segmenter().segment(trimmed)[Symbol.iterator]().next();
    if (!first.done) return first.value.segment.toUpperCase();
  }
  return Array.from(trimmed)[0].toUpperCase();
}

function hueOf(value) {
  let hash = 0;
  for (const char of value) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return hash % 360;
}

/** Appends `value` to `paragraph` as text, with its hashtags in highlighted spans. */
export function textWithHashtags(paragraph, value) {
  let last = 0;
  for (const match of value.matchAll(HASHTAG)) {
    if (match.index > last) paragraph.append(value.slice(last, match.index));
    const tag = element("span", "tag");
    tag.textContent = match[0];
    paragraph.append(tag);
    last = match.index + match[0].length;
  }
  if (last < value.length) paragraph.append(value.slice(last));
}

function buildBadges(post, messages) {
  if (post.pinned !== true && post.featured !== true) return null;
  const badges = element("div", "card__badges");
  for (const [flag, glyph, key] of [
    [post.pinned, "pin", "pinned"],
    [post.featured, "star", "featured"],
  ]) {
    if (flag !== true) continue;
    const badge = element("span", `badge badge--${key}`);
    badge.append(icon(glyph));
    const label = element("span");
    label.textContent = text(messages[key]);
    badge.append(label);
    badges.append(badge);
  }
  return badges;
}

function buildAvatar(author, name) {
  const avatar = element("span", "avatar");
  avatar.setAttribute("aria-hidden", "true");
  avatar.style.setProperty("--hue", String(hueOf(name)));
  const initial = element("span", "avatar__initial");
  initial.textContent = firstGrapheme(name);
  avatar.append(initial);
  const src = safeImageUrl(author.avatar_url);
  if (src) {
    const img = element("img", "avatar__img");
    img.alt = "";
    img.loading = "eager";
    img.decoding = "async";
    img.referrerPolicy = "no-referrer";
    img.addEventListener("load", () => avatar.classList.add("is-loaded"));
    img.addEventListener("error", () => img.remove());
    img.src = src;
    avatar.append(img);
  }
  return avatar;
}

function authorOf(post) {
  return post.author && typeof post.author === "object" ? post.author : {};
}

function sourceLabelOf(post, messages) {
  return text(messages[`source_${sourceGlyph(post.source)}`]) || text(post.source);
}

/** The name a post is shown under: the author's name, else the handle, else the source. */
export function authorName(post, messages) {
  const author = authorOf(post);
  return text(author.name).trim() || text(author.handle).trim() || sourceLabelOf(post, messages);
}

function buildAuthor(post, messages) {
  const author = authorOf(post);
  const glyph = sourceGlyph(post.source);
  const sourceLabel = sourceLabelOf(post, messages);
  const rawHandle = text(author.handle).trim();
  const name = authorName(post, messages);
  let handle = "";
  if (rawHandle && rawHandle !== name) {
    handle = rawHandle.startsWith("@") ? rawHandle : `@${rawHandle}`;
  }

  const footer = element("footer", "card__author");
  footer.append(buildAvatar(author, name));
  const who = element("span", "card__who");
  const nameNode = element("span", "card__name");
  nameNode.textContent = name;
  who.append(nameNode);
  if (handle) {
    const handleNode = element("span", "card__handle");
    handleNode.textContent = handle;
    who.append(handleNode);
  }
  footer.append(who);
  const source = element("span", "card__source");
  source.setAttribute("role", "img");
  source.setAttribute("aria-label", sourceLabel);
  source.title = sourceLabel;
  source.append(icon(glyph));
  footer.append(source);
  return footer;
}

function signatureOf(post) {
  return JSON.stringify([
    post.text,
    post.author,
    post.media,
    post.source,
    post.pinned === true,
    post.featured === true,
    post.sensitive === true,
  ]);
}

/** Fills (or refills) `card` for `post`; returns false when nothing visible changed. */
export function renderCard(card, post, messages) {
  const signature = signatureOf(post);
  if (rendered.get(card) === signature) return false;
  rendered.set(card, signature);

  const all = pictures(post);
  const hasMedia = all.length > 0 || veiled(post);
  const body = cleanText(post.text);
  const kind = hasMedia ? "media" : Array.from(body).length <= QUOTE_MAX_CHARS ? "quote" : "text";

  card.dataset.source = sourceGlyph(post.source);
  card.dataset.pinned = String(post.pinned === true);
  card.dataset.featured = String(post.featured === true);
  card.dataset.kind = kind;

  const inner = element("div", "card__inner");
  const badges = buildBadges(post, messages);
  if (hasMedia) {
    const key = figureKey(post, all);
    const previous = card.querySelector(":scope > .card__inner > .card__media");
    const reuse = previous && figureKeys.get(previous) === key;
    const figure = reuse ? previous : buildFigure(post, all, messages);
    figureKeys.set(figure, key);
    inner.append(figure);
    if (badges) {
      badges.classList.add("card__badges--overlay");
      inner.append(badges);
    }
  }
  const content = element("div", "card__body");
  if (badges && !hasMedia) content.append(badges);
  if (body) {
    const paragraph = element("p", "card__text");
    textWithHashtags(paragraph, body);
    content.append(paragraph);
  }
  content.append(buildAuthor(post, messages));
  inner.append(content);
  card.replaceChildren(inner);
  return true;
}

/** A new card element for `post`. */
export function createCard(post, messages, doc = document) {
  const card = element("article", "card", doc);
  card.dataset.postId = String(post.id);
  renderCard(card, post, messages);
  return card;
}
