// Extensions of the wall (overlays such as a contest reveal). Each one is a module that, when
// imported, registers its event handlers with `on(type, handler)` from dispatch.js (the stream
// then delivers that event type too; `on("reset", ...)` also hears the full state after a
// reconnect) and draws into `overlayLayer()`. Adding one is one import line below.

export function overlayLayer(doc = document) {
  return doc.getElementById("overlays");
}

import "./contest-plugin.js";
