// The contest's winner reveal, plugged into the wall: it hears `contest` events and asks the
// server again after a `reset`, so a screen that reconnects mid-reveal shows the right step.

import { ContestReveal } from "./contest.js";
import { on } from "./dispatch.js";
import { overlayLayer } from "./plugins.js";

const reveal = new ContestReveal(document, overlayLayer() ?? document.body);
on("reset", () => reveal.refresh());
on("contest", (data) => reveal.apply(data));
