// The server's time, as this screen best knows it. Venue PCs often have a wrong clock; the
// agenda, countdowns and announcements' expiry follow the server's instead. Every `reset` carries
// the server's `now`; until the first one arrives, the local clock is trusted.

let offsetMs = 0;

/** Learns the server's time from a timestamp it sent just now. */
export function syncServerTime(iso, received = Date.now()) {
  const server = Date.parse(iso);
  if (Number.isFinite(server)) offsetMs = server - received;
}

export function serverNow() {
  return Date.now() + offsetMs;
}

/** Runs `callback` at the server time `at` (ms), or soon if that has passed; returns a cancel. */
export function at(time, callback) {
  // Long timers are re-armed in steps: a sleeping PC or a clock change must not make them late.
  const STEP_MS = 60_000;
  let timer = 0;
  const arm = () => {
    const wait = time - serverNow();
    if (wait <= 0) {
      callback();
      return;
    }
    timer = setTimeout(arm, Math.min(wait + 20, STEP_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

/** Asks the server for its time (the Date header of an uncached answer: `url` is outside what the
 * service worker keeps). */
export async function syncFromServer(url) {
  try {
    const sent = Date.now();
    const response = await fetch(url, { cache: "no-store" });
    const date = Date.parse(response.headers.get("date") ?? "");
    // The header has whole seconds: take the middle of the second it names.
    if (Number.isFinite(date)) offsetMs = date + 500 - (sent + Date.now()) / 2;
  } catch {
    // Offline: the local clock (or an earlier reading) stands.
  }
}
