// The page's settings: what the server rendered as a JSON data block (no inline script), and what
// this one screen asks for in its address (`?layout=spotlight`, `?qr=0`, `?dwell=10`).

export const LAYOUTS = ["masonry", "spotlight", "carousel", "ticker", "mixed"];
const DEFAULT_LAYOUT = "masonry";
const OFF = new Set(["0", "false", "no", "off"]);
const MIN_DWELL_S = 2;
const MAX_DWELL_S = 120;

/** `?dwell=N`: seconds per post (spotlight) or per step (carousel, still ticker); null: default. */
function dwellMs(value) {
  const seconds = Number.parseFloat(value ?? "");
  if (!Number.isFinite(seconds)) return null;
  return Math.round(Math.min(MAX_DWELL_S, Math.max(MIN_DWELL_S, seconds)) * 1000);
}

export function readConfig(doc = document, search = globalThis.location?.search ?? "") {
  let raw = {};
  try {
    raw = JSON.parse(doc.getElementById("wall-config")?.textContent || "{}") || {};
  } catch {
    raw = {};
  }
  const params = new URLSearchParams(search);
  const asked = (params.get("layout") || "").trim().toLowerCase();
  const configured = LAYOUTS.includes(raw.layout) ? raw.layout : DEFAULT_LAYOUT;
  const qr = (params.get("qr") || "").trim().toLowerCase();
  return {
    eventsUrl: typeof raw.eventsUrl === "string" ? raw.eventsUrl : "",
    locale: raw.locale === "en" ? "en" : "ko",
    messages: raw.messages && typeof raw.messages === "object" ? raw.messages : {},
    layout: LAYOUTS.includes(asked) ? asked : configured,
    showQr: raw.showQr === true && !OFF.has(qr),
    dwellMs: dwellMs(params.get("dwell")),
  };
}
