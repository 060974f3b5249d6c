// The wall screens' service worker (served as /w/sw.js, scope /w/). It keeps a copy of the wall
// pages, their styles, scripts and fonts, and the pictures shown, so a screen reloaded while the
// venue network or the server is down still opens. The strategy is safe for upgrades and never
// touches live data:
// - pages (/w/...) and static files (/static/...): the network first; the copy only when the
//   network fails or takes too long, so a running server always serves the current version;
// - pictures (/media/..., named by their content and never changed): the copy first;
// - the API (JSON and the live stream), the console and anything not GET: never handled here.

const CACHE = "sotong-wall-v1";
const NETWORK_TIMEOUT_MS = 4000;
const MAX_MEDIA = 400;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("sotong-wall-") && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

function kind(request) {
  if (request.method !== "GET") return null;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return null;
  if (url.pathname.startsWith("/media/")) return "media";
  if (url.pathname.startsWith("/static/")) return "static";
  if (url.pathname.startsWith("/w/") && !url.pathname.endsWith("/post")) return "page";
  return null;
}

self.addEventListener("fetch", (event) => {
  const what = kind(event.request);
  if (what === "media") event.respondWith(cacheFirst(event.request));
  else if (what) event.respondWith(networkFirst(event.request));
});

// A page lists what it loaded before this worker controlled it; each is copied once.
self.addEventListener("message", (event) => {
  if (event.origin && event.origin !== self.location.origin) return;
  const urls = Array.isArray(event.data?.urls) ? event.data.urls : [];
  if (event.data?.type !== "keep") return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const url of urls.slice(0, 300)) {
        if (typeof url !== "string") continue;
        let request;
        try {
          request = new Request(url);
        } catch {
          continue;
        }
        if (!kind(request) || (await cache.match(request))) continue;
        try {
          const response = await fetch(request);
          if (response.ok && response.type === "basic") await cache.put(request, response);
        } catch {
          // Offline already: nothing to copy.
        }
      }
    })(),
  );
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok && response.type === "basic") await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const copy =
      (await cache.match(request)) ?? (await cache.match(request, { ignoreSearch: true }));
    if (copy) return copy;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const copy = await cache.match(request);
  if (copy) return copy;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    await cache.put(request, response.clone());
    trimMedia(cache);
  }
  return response;
}

async function trimMedia(cache) {
  const media = (await cache.keys()).filter((r) => new URL(r.url).pathname.startsWith("/media/"));
  for (const old of media.slice(0, Math.max(0, media.length - MAX_MEDIA))) await cache.delete(old);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the network took too long")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
