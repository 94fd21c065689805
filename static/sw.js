// IMPACT Tracker service worker: keeps the walk pages and their assets on the tablet so a walk can be
// recorded with no connection. Walk pages are fetched from the network first and fall back to the copy kept
// here; the assets are kept up to date the same way. Nothing outside the walk pages is answered from here.
const VERSION = "v2";
const ASSETS = `impact-gemba-assets-${VERSION}`;
const PAGES = "impact-gemba-pages";
const CAPTURE_PAGE = "/walks/new";
const PRECACHE = [
  "/static/vendor/nhsuk-frontend/nhsuk-frontend.min.css",
  "/static/vendor/nhsuk-frontend/nhsuk-frontend.min.js",
  "/static/css/app.css",
  "/static/js/app.js",
  "/static/js/gemba.js",
  "/static/manifest.webmanifest",
];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    await (await caches.open(ASSETS)).addAll(PRECACHE);
    await cachePage(new Request(CAPTURE_PAGE, { credentials: "same-origin" }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const old = (await caches.keys()).filter((key) => key.startsWith("impact-gemba-assets-") && key !== ASSETS);
    await Promise.all(old.map((key) => caches.delete(key)));
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/walks")) {
    event.respondWith(pageNetworkFirst(request));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(assetNetworkFirst(request, url.pathname));
  }
});

// A page is kept only when it really is the page (not a redirect to sign-in).
async function cachePage(request) {
  const response = await fetch(request);
  if (response.ok && !response.redirected) {
    await (await caches.open(PAGES)).put(request.url, response.clone());
  }
  return response;
}

async function pageNetworkFirst(request) {
  try {
    return await cachePage(request);
  } catch (error) {
    const pages = await caches.open(PAGES);
    const kept = (await pages.match(request.url, { ignoreSearch: true })) || (await pages.match(new URL(CAPTURE_PAGE, self.location.origin).href));
    if (kept) return kept;
    throw error;
  }
}

async function assetNetworkFirst(request, path) {
  const assets = await caches.open(ASSETS);
  try {
    const response = await fetch(request);
    if (response.ok) await assets.put(path, response.clone());
    return response;
  } catch (error) {
    const kept = await assets.match(path);
    if (kept) return kept;
    throw error;
  }
}
