// Entry point of the wall display: wires the live stream to the wall view and the overlays, in the
// layout and with the settings of this screen, and keeps them current when the wall changes.

import { AgendaPanel } from "./agenda.js";
import { Announcement } from "./announce.js";
import { applyBranding, applyTheme } from "./branding.js";
import { serverNow, syncFromServer, syncServerTime } from "./clock.js";
import { readConfig, screenOptions } from "./config.js";
import { Countdown } from "./countdown.js";
import { on } from "./dispatch.js";
import { fontsLoaded } from "./fonts.js";
import { registerServiceWorker } from "./offline.js";
import { Persister, restore } from "./persist.js";
import "./plugins.js";
import { installRemote } from "./remote.js";
import { enableStageControls } from "./stage.js";
import { LiveStream } from "./stream.js";
import { WallView } from "./wall.js";

const COUNTDOWN_GRACE_MS = 60_000;

const config = readConfig();
const { messages } = config;
const doc = document;
const body = doc.body;
const keeps = !config.embed && !config.preview; // a venue screen: remembered, listed, offline
// A screen reopened (perhaps from the offline copy) shows what it showed before at once; the
// stream's first `reset` then brings it up to date in one swap. What the saved state says about
// the wall, announcement and agenda wins over the page's only when it is newer than the page.
const saved = keeps ? restore(config.slug) : null;
const savedIsNewer = saved && !(saved.savedAt < Date.parse(config.now ?? ""));

let wall = config.wall;
if (savedIsNewer && saved.wall && (saved.wall.version ?? 0) >= (wall.version ?? 0)) wall = saved.wall;
let announcement = savedIsNewer ? saved.announcement : config.announcement;
let agendaSessions = savedIsNewer ? saved.agenda : config.agenda;
let remoteLayout = null;
let hasSponsors = false;
let options = screenOptions(wall, config.screen, config.params, { embed: config.embed });

body.dataset.layout = options.layout;
const view = new WallView(doc.getElementById("wall"), messages, {
  layout: options.layout,
  dwellMs: options.dwellMs,
  ready: fontsLoaded(doc),
});
if (saved) view.reset(saved.posts);

const rail = doc.querySelector(".rail");
const qr = doc.querySelector(".qr");
const sponsors = doc.querySelector(".sponsors");
const agendaPanel = doc.querySelector(".agenda");
const announcer = new Announcement(doc.querySelector(".announce"));
const agenda = new AgendaPanel(agendaPanel, {
  locale: config.locale,
  timeZone: wall.display?.timezone,
  onChange: () => refreshOverlays(),
});
const countdown = new Countdown(doc.querySelector(".countdown"), messages, {
  locale: config.locale,
  onChange: (visible) => (visible ? refreshRail() : refreshOverlays()),
});
// Counting down to the next session happens in the agenda's "up next" slot itself.
const untilNext = new Countdown(doc.querySelector(".agenda__slot--next"), messages, {
  locale: config.locale,
  inline: true,
});

function fixedCountdown() {
  const display = wall.display ?? {};
  const fixed = Date.parse(display.countdown_at ?? "");
  if (Number.isFinite(fixed) && fixed > serverNow() - COUNTDOWN_GRACE_MS) {
    return { at: fixed, label: display.countdown_label || messages.countdown_default };
  }
  return null;
}

function nextSessionCountdown() {
  const next = agenda.next;
  if (wall.display?.countdown_next_session !== true || !next) return null;
  return { at: next.start, label: messages.countdown_next };
}

function refreshRail() {
  if (!rail) return;
  rail.hidden = ![...rail.children].some((panel) => !panel.hidden);
}

function refreshOverlays() {
  const shown = options.overlays;
  if (qr) qr.hidden = !shown.has("qr");
  body.dataset.qr = String(Boolean(qr) && shown.has("qr"));
  agendaPanel.hidden = !shown.has("agenda") || agendaPanel.dataset.filled !== "true";
  sponsors.hidden = !shown.has("sponsors") || !hasSponsors;
  countdown.set(shown.has("countdown") ? fixedCountdown() : null);
  untilNext.set(shown.has("countdown") && !agendaPanel.hidden ? nextSessionCountdown() : null);
  refreshRail();
}

function showAnnouncement() {
  announcer.show(options.overlays.has("announcements") ? announcement : null);
}

function applyWall() {
  hasSponsors = applyBranding(doc, wall, messages);
  options = screenOptions(wall, config.screen, config.params, { embed: config.embed });
  applyTheme(doc, wall, options.theme);
  switchLayout(remoteLayout ?? options.layout);
  agenda.setTimeZone(config.locale, wall.display?.timezone);
  showAnnouncement();
  refreshOverlays();
}

function switchLayout(layout) {
  if (layout !== view.layout) {
    body.dataset.layout = layout;
    stream?.setParams({ layout });
  }
  view.setLayout(layout, { dwellMs: options.dwellMs });
}

function takeWall(data) {
  if (!data || typeof data !== "object") return;
  if (data.locale && data.locale !== config.locale) {
    persister?.save();
    globalThis.location.reload(); // the wall's own words change language
    return;
  }
  wall = data;
  applyWall();
}

on("reset", (data) => {
  if (typeof data.now === "string") syncServerTime(data.now);
  view.reset(data.posts);
  if (data.wall) takeWall(data.wall);
  if ("announcement" in data) announcement = data.announcement;
  if (Array.isArray(data.agenda)) agendaSessions = data.agenda;
  agenda.setSessions(agendaSessions);
  showAnnouncement();
  refreshOverlays();
});
on("post", (data) => view.upsert(data));
on("remove", (data) => view.remove(data.id));
on("wall", takeWall);
on("announce", (data) => {
  announcement = data.announcement ?? null;
  showAnnouncement();
});
on("agenda", (data) => {
  agendaSessions = Array.isArray(data.sessions) ? data.sessions : [];
  agenda.setSessions(agendaSessions);
});

const persister = keeps
  ? new Persister(config.slug, () =>
      stream.lastEventId ? { posts: view.posts, announcement, agenda: agendaSessions, wall } : null,
    )
  : null;

const stream = new LiveStream(
  config.eventsUrl,
  {
    state: (state) => {
      body.dataset.connection = state;
      if (state === "live") syncFromServer("/healthz");
    },
    eventId: (id) => {
      body.dataset.lastEventId = id;
      persister?.schedule();
    },
  },
  { params: keeps ? { screen: config.screen, layout: options.layout } : {} },
);

installRemote(config.screen, {
  reload: () => {
    persister?.save();
    globalThis.location.reload();
  },
  switchLayout: (layout) => {
    remoteLayout = layout;
    switchLayout(layout);
  },
});

if (config.preview) {
  // The console's display page shows unsaved branding here as it is edited.
  globalThis.addEventListener("message", (event) => {
    if (event.origin !== globalThis.location.origin) return;
    if (event.data?.type === "sotong:preview" && event.data.wall) takeWall(event.data.wall);
  });
}

applyWall();
agenda.setSessions(agendaSessions);
showAnnouncement();
enableStageControls(doc);
stream.start();
if (keeps) registerServiceWorker(doc);
