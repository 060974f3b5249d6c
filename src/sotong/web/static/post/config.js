// The page's settings, rendered by the server as a JSON data block (no inline script).

export function readConfig(id, doc = document) {
  try {
    const raw = JSON.parse(doc.getElementById(id)?.textContent || "{}");
    return raw && typeof raw === "object" ? raw : {};
  } catch {
    return {};
  }
}
