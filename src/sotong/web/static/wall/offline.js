// Registers the service worker (/w/sw.js) that lets a wall page open again, with its styles,
// scripts and pictures, while the network or the server is down. Not for embeds (their page
// belongs to another site) or console previews.

export function registerServiceWorker(doc = document) {
  const body = doc.body;
  if (body.dataset.embed === "true" || body.dataset.preview === "true") return;
  const workers = globalThis.navigator?.serviceWorker;
  if (!workers || globalThis.isSecureContext === false) return;
  workers
    .register("/w/sw.js", { scope: "/w/" })
    .then(() => workers.ready)
    .then((registration) => {
      // What this page loaded before the worker took over is copied now, so the very first
      // visit can already be reopened offline.
      const loaded = performance.getEntriesByType("resource").map((entry) => entry.name);
      registration.active?.postMessage({ type: "keep", urls: [globalThis.location.href, ...loaded] });
    })
    .catch((error) => {
      console.warn("sotong: the offline copy of this screen is not available", error);
    });
}
