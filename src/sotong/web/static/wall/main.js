// Entry point of the wall display: wires the live stream to the wall view in the chosen layout.

import { ContestReveal } from "./contest.js";
import { readConfig } from "./config.js";
import { fontsLoaded } from "./fonts.js";
import { enableStageControls } from "./stage.js";
import { LiveStream } from "./stream.js";
import { WallView } from "./wall.js";

const config = readConfig();
const body = document.body;
body.dataset.layout = config.layout;
body.dataset.qr = String(config.showQr);
if (!config.showQr) document.querySelector(".qr")?.remove();

const view = new WallView(document.getElementById("wall"), config.messages, {
  layout: config.layout,
  dwellMs: config.dwellMs,
  ready: fontsLoaded(document),
});

const contest = new ContestReveal(document);

const stream = new LiveStream(config.eventsUrl, {
  reset: (data) => {
    view.reset(data.posts);
    contest.refresh();
  },
  contest: (data) => contest.apply(data),
  post: (data) => view.upsert(data),
  remove: (data) => view.remove(data.id),
  state: (state) => {
    body.dataset.connection = state;
  },
  eventId: (id) => {
    body.dataset.lastEventId = id;
  },
});

enableStageControls(document);
stream.start();
