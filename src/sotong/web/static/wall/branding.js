// The wall's own look, applied from its settings (the `wall` event) without a reload: title,
// hashtags, logo, colours, background picture, type scale, theme and sponsor strip. The first
// paint already has them (server-rendered markup and /w/<slug>/brand.css); this keeps them
// current. Colours arrive as the palette the server checked for contrast.

import { safeImageUrl } from "./urls.js";

const PALETTE = {
  background: "--bg",
  surface: "--surface",
  text: "--text",
  muted: "--muted",
  accent: "--accent",
};
const MEDIA_PATH = /^\/media\/img\/[0-9a-f]{2}\/[0-9a-f]{64}\.webp$/;

function text(value) {
  return typeof value === "string" ? value : "";
}

function replaceTags(list, tags, className, doc) {
  if (!list) return;
  const wanted = tags.map(text).filter(Boolean);
  const shown = [...list.children].map((item) => item.textContent);
  if (JSON.stringify(shown) === JSON.stringify(wanted)) return;
  list.replaceChildren(
    ...wanted.map((tag) => {
      const item = doc.createElement("li");
      item.className = className;
      item.textContent = tag;
      return item;
    }),
  );
}

function setImage(img, picture, alt) {
  const src = picture && MEDIA_PATH.test(picture.url) ? safeImageUrl(picture.url) : null;
  if (!src) {
    img.hidden = true;
    img.removeAttribute("src");
    return;
  }
  if (img.src !== src) img.src = src;
  if (Number.isFinite(picture.width)) img.width = picture.width;
  if (Number.isFinite(picture.height)) img.height = picture.height;
  img.alt = alt;
  img.hidden = false;
}

function applySponsors(doc, display, messages) {
  const strip = doc.querySelector(".sponsors");
  if (!strip) return;
  const sponsors = (Array.isArray(display.sponsors) ? display.sponsors : []).filter(
    (s) => s && MEDIA_PATH.test(s.url),
  );
  const label = text(display.sponsors_label);
  strip.querySelector(".sponsors__label").textContent = label;
  strip.querySelector(".sponsors__label").hidden = !label;
  strip.setAttribute("aria-label", label || text(messages.sponsors_label));
  const list = strip.querySelector(".sponsors__logos");
  const signature = JSON.stringify(sponsors.map((s) => [s.url, s.name]));
  if (list.dataset.signature !== signature) {
    list.dataset.signature = signature;
    list.replaceChildren(
      ...sponsors.map((sponsor) => {
        const item = doc.createElement("li");
        const img = doc.createElement("img");
        img.className = "sponsors__logo";
        setImage(img, sponsor, text(sponsor.name));
        item.append(img);
        return item;
      }),
    );
  }
  strip.dataset.count = String(sponsors.length);
  return sponsors.length > 0;
}

/** Sets the palette of `theme` and the theme itself. */
export function applyTheme(doc, wall, theme) {
  const body = doc.body;
  body.dataset.theme = theme;
  doc.querySelector('meta[name="color-scheme"]')?.setAttribute("content", theme);
  const colours = wall?.palette?.[theme];
  for (const [key, property] of Object.entries(PALETTE)) {
    const value = colours?.[key];
    if (typeof value === "string" && /^#[0-9a-f]{6}$/i.test(value)) {
      body.style.setProperty(property, value);
    } else {
      body.style.removeProperty(property);
    }
  }
}

/** Applies everything but the theme; returns whether the wall has sponsors to show. */
export function applyBranding(doc, wall, messages) {
  const display = wall?.display && typeof wall.display === "object" ? wall.display : {};
  const body = doc.body;
  const title = text(wall?.title);
  if (title) {
    const heading = doc.querySelector(".masthead__title");
    if (heading && heading.textContent !== title) heading.textContent = title;
    const suffix = doc.title.includes(" · ") ? doc.title.slice(doc.title.indexOf(" · ")) : "";
    doc.title = `${title}${suffix}`;
  }
  const tags = Array.isArray(wall?.hashtags) ? wall.hashtags : [];
  replaceTags(doc.querySelector(".masthead__tags"), tags, "hashtag", doc);
  replaceTags(doc.querySelector(".empty__tags"), tags, "hashtag hashtag--large", doc);
  replaceTags(doc.querySelector(".qr__tags"), tags, "hashtag", doc);

  const logo = doc.querySelector(".masthead__logo");
  if (logo) setImage(logo, display.logo, title);

  const scale = Number(display.font_scale);
  body.style.setProperty("--scale", String(Number.isFinite(scale) && scale >= 1 ? scale : 1));
  const backdrop = display.background_image;
  if (backdrop && MEDIA_PATH.test(backdrop.url)) {
    body.style.setProperty("--backdrop", `url("${backdrop.url}")`);
    body.dataset.backdrop = "image";
  } else {
    body.style.removeProperty("--backdrop");
    delete body.dataset.backdrop;
  }
  return applySponsors(doc, display, messages);
}
