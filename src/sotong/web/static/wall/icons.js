// Small line glyphs of our own (24 × 24, drawn with currentColor): one per source, plus badges.
// Deliberately abstract: none of them is, or imitates, a network's logo.

const SVG = "http://www.w3.org/2000/svg";

const GLYPHS = {
  // a speech bubble with a small "m"
  mastodon: [
    ["path", { d: "M5 3.5h14a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-7.5L7 20.5v-4H5a2 2 0 0 1-2-2v-9a2 2 0 0 1 2-2z" }],
    ["path", { d: "M8 13V9.6a1.8 1.8 0 0 1 3.6 0V13m0-3.4a1.8 1.8 0 0 1 3.6 0V13" }],
  ],
  // a cloud
  bluesky: [
    ["path", { d: "M7.2 18.5h9.6a4.2 4.2 0 0 0 .6-8.36A6 6 0 0 0 6.1 9.3a4.6 4.6 0 0 0 1.1 9.2z" }],
  ],
  // a dot and two waves
  rss: [
    ["circle", { cx: "6", cy: "18", r: "1.8", fill: "currentColor", stroke: "none" }],
    ["path", { d: "M4.5 11a8.5 8.5 0 0 1 8.5 8.5" }],
    ["path", { d: "M4.5 4.5a15 15 0 0 1 15 15" }],
  ],
  // the letter N in a rounded square
  naver: [
    ["rect", { x: "3.5", y: "3.5", width: "17", height: "17", rx: "4" }],
    ["path", { d: "M9 16V8l6 8V8" }],
  ],
  // code brackets
  api: [
    ["path", { d: "M8.5 6.5 3 12l5.5 5.5" }],
    ["path", { d: "M15.5 6.5 21 12l-5.5 5.5" }],
    ["path", { d: "M13.5 4.5l-3 15" }],
  ],
  // a camera
  upload: [
    ["path", { d: "M3.5 8.5a2 2 0 0 1 2-2h2.2L9.3 4.5h5.4l1.6 2h2.2a2 2 0 0 1 2 2V18a2 2 0 0 1-2 2h-13a2 2 0 0 1-2-2z" }],
    ["circle", { cx: "12", cy: "13", r: "3.6" }],
  ],
  // a four-pointed sparkle
  demo: [
    ["path", { d: "M12 3.5l1.9 5.6 5.6 1.9-5.6 1.9L12 18.5l-1.9-5.6L4.5 11l5.6-1.9z" }],
    ["path", { d: "M18.5 16.5v4M16.5 18.5h4" }],
  ],
  // a hash sign
  other: [
    ["path", { d: "M10 4 8 20M16 4l-2 16M4.5 9h15.5M4 15h15.5" }],
  ],
  pin: [
    ["path", { d: "M9 3.5h6l-.8 5.2 3.3 3.3v1.5h-11V12l3.3-3.3z", fill: "currentColor" }],
    ["path", { d: "M12 13.5v7" }],
  ],
  star: [
    [
      "path",
      {
        d: "M12 3.2l2.7 5.5 6 .9-4.35 4.25 1 6L12 17l-5.35 2.85 1-6L3.3 9.6l6-.9z",
        fill: "currentColor",
      },
    ],
  ],
  "eye-off": [
    ["path", { d: "M3 12s3.3-6 9-6 9 6 9 6-3.3 6-9 6-9-6-9-6z" }],
    ["circle", { cx: "12", cy: "12", r: "2.8" }],
    ["path", { d: "M4 20 20 4" }],
  ],
  image: [
    ["rect", { x: "3.5", y: "4.5", width: "17", height: "15", rx: "2" }],
    ["circle", { cx: "9", cy: "10", r: "1.7" }],
    ["path", { d: "m4 18 5.5-5 4 3.5 2.5-2 4 3.5" }],
  ],
  // a picture crossed out: an image the server could not fetch
  "image-off": [
    ["path", { d: "M20.5 16.5v-10a2 2 0 0 0-2-2H8" }],
    ["path", { d: "M4.2 5A2 2 0 0 0 3.5 6.5v11a2 2 0 0 0 2 2h13a2 2 0 0 0 1.3-.5" }],
    ["path", { d: "m4 18 5.5-5 4 3.5" }],
    ["path", { d: "M3 3l18 18" }],
  ],
};

export const SOURCES = ["mastodon", "bluesky", "rss", "naver", "api", "upload", "demo"];

/** The glyph name for a post's `source` (unknown sources get the generic one). */
export function sourceGlyph(source) {
  return SOURCES.includes(source) ? source : "other";
}

/** A decorative <svg> for `name`; give its container the accessible label. */
export function icon(name, doc = document) {
  const svg = doc.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "1.8");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.classList.add("icon", `icon--${name}`);
  for (const [tag, attributes] of GLYPHS[name] || GLYPHS.other) {
    const shape = doc.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes)) shape.setAttribute(key, value);
    svg.append(shape);
  }
  return svg;
}
