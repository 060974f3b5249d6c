// Renders one post as a card. Post data is untrusted: it only ever reaches the DOM through
// textContent and attributes, and only `text` is shown (never `html`).

import { blurhashCanvas } from "./blurhash.js";
import { icon, sourceGlyph } from "./icons.js";
import { safeImageUrl } from "./urls.js";

const HASHTAG = /[#＃][\p{L}\p{M}\p{N}_]+/gu;
const QUOTE_MAX_CHARS = 50;
const DEFAULT_ASPECT = 4 / 3;
const MIN_ASPECT = 0.66;
const MAX_ASPECT = 2.2;

const rendered = new WeakMap(); // card -> signature of the post it shows
const figureKeys = new WeakMap(); // figure -> which image it shows

function element(tag, className, doc = document) {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  return node;
}

function text(value) {
  return typeof value === "string" ? value : "";
}

function images(post) {
  const media = Array.isArray(post.media) ? post.media : [];
  return media
    .filter((m) => m && typeof m === "object" && (m.kind == null || m.kind === "image"))
    .map((m) => ({
      src: safeImageUrl(m.url) || safeImageUrl(m.thumb_url),
      fallback: safeImageUrl(m.thumb_url),
      alt: text(m.alt),
      width: m.width,
      height: m.height,
      blurhash: m.blurhash,
    }))
    .filter((m) => m.src);
}

function aspectOf(image) {
  const { width, height } = image;
  if (!(Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0)) {
    return DEFAULT_ASPECT;
  }
  return Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, width / height));
}

function cleanText(value) {
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

function textWithHashtags(paragraph, value) {
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

function buildFigure(post, all, messages) {
  const figure = element("figure", "card__media");
  if (post.sensitive === true) {
    figure.classList.add("card__media--hidden");
    figure.style.aspectRatio = "16 / 7";
    const note = element("figcaption", "card__veil");
    note.append(icon("eye-off"));
    const label = element("span");
    label.textContent = text(messages.sensitive_media);
    note.append(label);
    figure.append(note);
    return figure;
  }
  const image = all[0];
  figure.style.aspectRatio = String(aspectOf(image));
  const placeholder = blurhashCanvas(image.blurhash);
  if (placeholder) {
    placeholder.className = "card__blur";
    figure.append(placeholder);
  } else {
    const glyph = icon("image");
    glyph.classList.add("card__placeholder");
    figure.append(glyph);
  }
  const img = element("img", "card__img");
  img.alt = image.alt;
  img.loading = "eager";
  img.decoding = "async";
  img.referrerPolicy = "no-referrer";
  img.addEventListener("load", () => figure.classList.add("is-loaded"));
  img.addEventListener("error", () => {
    if (image.fallback && img.src !== image.fallback) {
      img.src = image.fallback;
    } else {
      figure.classList.add("is-broken");
    }
  });
  img.src = image.src;
  figure.append(img);
  if (all.length > 1) {
    const more = element("span", "card__more");
    more.textContent = `+${all.length - 1}`;
    more.setAttribute("aria-label", `${text(messages.more_media)} ${all.length - 1}`);
    figure.append(more);
  }
  return figure;
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

function buildAuthor(post, messages) {
  const author = post.author && typeof post.author === "object" ? post.author : {};
  const glyph = sourceGlyph(post.source);
  const sourceLabel = text(messages[`source_${glyph}`]) || text(post.source);
  const rawHandle = text(author.handle).trim();
  const name = text(author.name).trim() || rawHandle || sourceLabel;
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

/** Whether two renderings of a post would place the same image (so the element can be kept). */
function figureKey(post, all) {
  const first = all[0] || {};
  const sensitive = post.sensitive === true;
  return JSON.stringify([sensitive, first.src, first.blurhash, first.alt, all.length]);
}

/** Fills (or refills) `card` for `post`; returns false when nothing visible changed. */
export function renderCard(card, post, messages) {
  const signature = signatureOf(post);
  if (rendered.get(card) === signature) return false;
  rendered.set(card, signature);

  const all = images(post);
  const hidden = post.sensitive === true && Array.isArray(post.media) && post.media.length > 0;
  const hasMedia = all.length > 0 || hidden;
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
