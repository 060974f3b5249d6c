// The page's settings, rendered by the server as a JSON data block (no inline script).

export function readConfig(doc = document) {
  let raw = {};
  try {
    raw = JSON.parse(doc.getElementById("wall-config")?.textContent || "{}") || {};
  } catch {
    raw = {};
  }
  return {
    eventsUrl: typeof raw.eventsUrl === "string" ? raw.eventsUrl : "",
    locale: raw.locale === "en" ? "en" : "ko",
    messages: raw.messages && typeof raw.messages === "object" ? raw.messages : {},
  };
}
