// The service worker: on install it stores the whole app (shell, onnxruntime-web's .mjs/.wasm and
// the bundled models) in one versioned cache, then answers from that cache first, so the app
// starts and runs with no network. The build injects the file list and version.
declare const self: ServiceWorkerGlobalScope;
declare const __PRECACHE__: string[];
declare const __VERSION__: string;

const CACHE = `enxuto-edge-${__VERSION__}`;
const scope = new URL(self.registration.scope);
const precached = new Set(__PRECACHE__.map((p) => new URL(p, scope).href));

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // 'reload' skips the HTTP cache, so a new version never stores a stale file.
      await cache.addAll([...precached].map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys())
        if (key.startsWith('enxuto-edge-') && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin) return;
  url.search = '';
  url.hash = '';
  const isNavigation = req.mode === 'navigate';
  const key =
    isNavigation && url.href.startsWith(scope.href) && !precached.has(url.href)
      ? new URL('index.html', scope).href
      : url.href;
  if (!precached.has(key)) return; // user-chosen URLs go to the network as usual
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(key);
      if (hit) return hit;
      const res = await fetch(req);
      if (res.ok) await cache.put(key, res.clone());
      return res;
    })(),
  );
});
