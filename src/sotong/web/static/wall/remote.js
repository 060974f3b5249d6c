// Remote control from the console: a `screen` event {name, action, layout, at} reloads the named
// screen or switches its layout. Only the screen with that name acts ("*": every screen of the
// wall); an order older than a few minutes (replayed after a long outage) is not acted on.

import { LAYOUTS } from "./config.js";
import { on } from "./dispatch.js";
import { serverNow } from "./clock.js";

const STALE_MS = 5 * 60 * 1000;

export function isForScreen(data, screenName) {
  if (!data || typeof data !== "object" || typeof data.name !== "string") return false;
  return data.name === "*" || (screenName !== "" && data.name === screenName);
}

export function installRemote(screenName, { reload, switchLayout }) {
  on("screen", (data) => {
    if (!isForScreen(data, screenName)) return;
    const sent = Date.parse(data.at ?? "");
    if (Number.isFinite(sent) && serverNow() - sent > STALE_MS) return;
    if (data.action === "reload") reload();
    else if (data.action === "layout" && LAYOUTS.includes(data.layout)) switchLayout(data.layout);
  });
}
