// The page's settings: what the server rendered as a JSON data block (no inline script), and what
// this one screen asks for in its address (`?screen=stage`, `?layout=spotlight`, `?qr=0`,
// `?dwell=10`, `?overlays=agenda,announce`, `?theme=light`). What applies is, by priority: the
// address, then the named screen's definition (walls[].display.screens), then the wall's own.

export const LAYOUTS = ["masonry", "spotlight", "carousel", "ticker", "mixed"];
export const OVERLAYS = ["qr", "agenda", "countdown", "sponsors", "announcements"];
const DEFAULT_LAYOUT = "masonry";
const OFF = new Set(["0", "false", "no", "off"]);
const MIN_DWELL_S = 2;
const MAX_DWELL_S = 120;
const SCREEN_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** `?dwell=N`: seconds per post (spotlight) or per step (carousel, still ticker); null: default. */
function dwellMs(value) {
  const seconds = Number.parseFloat(value ?? "");
  if (!Number.isFinite(seconds)) return null;
  return Math.round(Math.min(MAX_DWELL_S, Math.max(MIN_DWELL_S, seconds)) * 1000);
}

/** `?overlays=a,b` (or `all`, `none`): the overlays this screen asks for; null: not asked. */
function askedOverlays(value) {
  if (value === null) return null;
  const words = value.toLowerCase().split(/[\s,]+/).filter(Boolean);
  if (words.includes("all")) return new Set(OVERLAYS);
  const aliases = { announce: "announcements", sponsor: "sponsors" };
  return new Set(words.map((word) => aliases[word] ?? word).filter((w) => OVERLAYS.includes(w)));
}

export function readConfig(doc = document, search = globalThis.location?.search ?? "") {
  let raw = {};
  try {
    raw = JSON.parse(doc.getElementById("wall-config")?.textContent || "{}") || {};
  } catch {
    raw = {};
  }
  const params = new URLSearchParams(search);
  const screen = (params.get("screen") || "").trim().toLowerCase();
  return {
    slug: typeof raw.slug === "string" ? raw.slug : "",
    eventsUrl: typeof raw.eventsUrl === "string" ? raw.eventsUrl : "",
    locale: raw.locale === "en" ? "en" : "ko",
    messages: raw.messages && typeof raw.messages === "object" ? raw.messages : {},
    embed: raw.embed === true,
    preview: raw.preview === true,
    screen: SCREEN_NAME.test(screen) ? screen : "",
    wall: raw.wall && typeof raw.wall === "object" ? raw.wall : {},
    announcement: raw.announcement ?? null,
    agenda: Array.isArray(raw.agenda) ? raw.agenda : [],
    now: typeof raw.now === "string" ? raw.now : null,
    params,
  };
}

/**
 * What this screen shows, from the wall's settings (the `wall` wire shape), its screen name and
 * the page's address: {layout, theme, dwellMs, overlays: Set}.
 */
export function screenOptions(wall, screenName, params, { embed = false } = {}) {
  const display = wall?.display && typeof wall.display === "object" ? wall.display : {};
  const screens = Array.isArray(display.screens) ? display.screens : [];
  const screen = screens.find((s) => s && s.name === screenName && screenName) ?? null;
  const legible = Array.isArray(wall?.palette?.legible) ? wall.palette.legible : ["dark", "light"];

  const askedLayout = (params.get("layout") || "").trim().toLowerCase();
  const layout = [askedLayout, screen?.layout, wall?.layout].find((l) => LAYOUTS.includes(l));
  const askedTheme = (params.get("theme") || "").trim().toLowerCase();
  const theme = [askedTheme, screen?.theme, display.theme, "dark"].find((t) => legible.includes(t));

  const overlays = new Set();
  const flags = {
    qr: wall?.uploads !== false && wall?.show_qr !== false && screen?.show_qr !== false,
    agenda: display.show_agenda !== false && screen?.show_agenda !== false,
    countdown: screen?.show_countdown !== false,
    sponsors: screen?.show_sponsors !== false,
    announcements: screen?.show_announcements !== false,
  };
  for (const [name, on] of Object.entries(flags)) if (on) overlays.add(name);
  const asked = askedOverlays(params.get("overlays"));
  const qr = (params.get("qr") || "").trim().toLowerCase();
  let chosen = asked ?? (embed ? new Set() : overlays);
  if (asked) chosen = new Set([...asked].filter((name) => name !== "qr" || flags.qr));
  if (embed || OFF.has(qr)) chosen.delete("qr");

  const seconds = params.get("dwell") ?? (screen?.dwell_seconds ? String(screen.dwell_seconds) : null);
  return {
    layout: layout ?? DEFAULT_LAYOUT,
    theme: theme ?? "dark",
    dwellMs: dwellMs(seconds),
    overlays: chosen,
  };
}
