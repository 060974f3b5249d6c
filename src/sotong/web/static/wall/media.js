// The picture of a card: the post's first image, a tile standing in for an image the server could
// not fetch (its URL is never requested), or a veil over sensitive media. The figure's box gets
// the image's proportions before anything loads, so a card never jumps when its image arrives.

import { blurhashCanvas } from "./blurhash.js";
import { icon } from "./icons.js";
import { safeImageUrl } from "./urls.js";

const DEFAULT_ASPECT = 4 / 3;
const MIN_ASPECT = 0.66;
const MAX_ASPECT = 2.2;
const VEIL_ASPECT = 16 / 7;

function element(tag, className, doc = document) {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  return node;
}

function text(value) {
  return typeof value === "string" ? value : "";
}

function describe(item, unavailable) {
  return {
    unavailable,
    src: unavailable ? null : safeImageUrl(item.url) || safeImageUrl(item.thumb_url),
    fallback: unavailable ? null : safeImageUrl(item.thumb_url),
    alt: text(item.alt),
    width: item.width,
    height: item.height,
    blurhash: item.blurhash,
  };
}

/** What a post can show as pictures: loadable images first, then tiles for unavailable ones. */
export function pictures(post) {
  const media = (Array.isArray(post.media) ? post.media : []).filter(
    (m) => m && typeof m === "object",
  );
  const loadable = media
    .filter((m) => m.kind == null || m.kind === "image")
    .map((m) => describe(m, false))
    .filter((m) => m.src);
  const unavailable = media.filter((m) => m.kind === "unavailable").map((m) => describe(m, true));
  return [...loadable, ...unavailable];
}

/** Whether the post has media that the card hides behind a veil. */
export function veiled(post) {
  return post.sensitive === true && Array.isArray(post.media) && post.media.length > 0;
}

export function aspectOf(picture) {
  const { width, height } = picture;
  if (!(Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0)) {
    return DEFAULT_ASPECT;
  }
  return Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, width / height));
}

/** Whether two renderings would show the same picture (so the figure, and its image, is kept). */
export function figureKey(post, all) {
  const first = all[0] || {};
  return JSON.stringify([
    veiled(post),
    first.unavailable,
    first.src,
    first.blurhash,
    first.alt,
    first.width,
    first.height,
    all.length,
  ]);
}

function veil(figure, messages) {
  figure.classList.add("card__media--hidden");
  figure.style.setProperty("--aspect", String(VEIL_ASPECT));
  const note = element("figcaption", "card__veil");
  note.append(icon("eye-off"));
  const label = element("span");
  label.textContent = text(messages.sensitive_media);
  note.append(label);
  figure.append(note);
}

function unavailableTile(figure, picture, messages) {
  figure.classList.add("card__media--unavailable");
  const label = text(messages.media_unavailable);
  figure.setAttribute("role", "img");
  figure.setAttribute("aria-label", picture.alt ? `${picture.alt} (${label})` : label);
  const placeholder = blurhashCanvas(picture.blurhash);
  if (placeholder) {
    placeholder.className = "card__blur";
    figure.append(placeholder);
    return;
  }
  const note = element("span", "card__unavailable");
  note.setAttribute("aria-hidden", "true");
  note.append(icon("image-off"));
  const caption = element("span");
  caption.textContent = label;
  note.append(caption);
  figure.append(note);
}

function loadingImage(figure, picture) {
  const placeholder = blurhashCanvas(picture.blurhash);
  if (placeholder) {
    placeholder.className = "card__blur";
    figure.append(placeholder);
  } else {
    const glyph = icon("image");
    glyph.classList.add("card__placeholder");
    figure.append(glyph);
  }
  const img = element("img", "card__img");
  img.alt = picture.alt;
  img.loading = "eager";
  img.decoding = "async";
  img.referrerPolicy = "no-referrer";
  img.addEventListener("load", () => figure.classList.add("is-loaded"));
  img.addEventListener("error", () => {
    if (picture.fallback && img.src !== picture.fallback) {
      img.src = picture.fallback;
    } else {
      figure.classList.add("is-broken");
    }
  });
  img.src = picture.src;
  figure.append(img);
}

/** The <figure> for a post whose `pictures(post)` are `all` (or whose media is veiled). */
export function buildFigure(post, all, messages) {
  const figure = element("figure", "card__media");
  if (veiled(post)) {
    veil(figure, messages);
    return figure;
  }
  const first = all[0];
  figure.style.setProperty("--aspect", String(aspectOf(first)));
  if (first.unavailable) unavailableTile(figure, first, messages);
  else loadingImage(figure, first);
  if (all.length > 1) {
    const more = element("span", "card__more");
    more.textContent = `+${all.length - 1}`;
    more.setAttribute("aria-label", `${text(messages.more_media)} ${all.length - 1}`);
    figure.append(more);
  }
  return figure;
}
