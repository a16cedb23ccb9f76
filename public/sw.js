// Qingfeng's service worker: after one visit the app opens with the network off.
//
// `scripts/service-worker.mjs` writes the build's id and files into this template at build
// time (dist/sw.js). Each build has a cache of its own; the page runs the build it was cached
// with until the member takes an update (有新版本，点击更新), so a half-deployed build never mixes
// files. When one tab takes it, this worker controls every tab, old ones included: the previous
// build's cache stays, so a tab still running it (offline too) finds its own files until it
// reloads. Registers live in IndexedDB, not here: this cache holds only the app.
const BUILD = '__QF_BUILD__';
const FILES = __QF_FILES__;
const CACHE = `qingfeng-app-${BUILD}`;

self.addEventListener('install', (event) => {
  // Hashed files come from the HTTP cache when the page has just loaded them (immutable); the
  // others are served no-cache, so the browser revalidates them and never caches an older build's.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(FILES)),
  );
});

// Keeps this build's cache and the one before it (keys() lists caches in the order they were
// made); older builds go.
const KEEP = 2;

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => {
        const builds = keys.filter((k) => k.startsWith('qingfeng-app-') && k !== CACHE);
        return Promise.all(builds.slice(0, Math.max(0, builds.length - (KEEP - 1))).map((k) => caches.delete(k)));
      })
      .then(() => self.clients.claim()),
  );
});

// The page asks the waiting build to take over once its edits are stored.
self.addEventListener('message', (event) => {
  if (event.data === 'qingfeng-update') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // The relay's own endpoints always go to the network.
  if (url.pathname === '/health' || url.pathname.startsWith('/sync')) return;
  if (request.mode === 'navigate') {
    // Every page of the app is index.html: /r/<id>/risks as well as /.
    event.respondWith(caches.open(CACHE).then((cache) => cache.match('/index.html')).then((hit) => hit || fetch(request)));
    return;
  }
  // This build's files first, then a previous build's (an old tab's hashed files).
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true }))
      .then((hit) => hit || caches.match(request, { ignoreSearch: true }))
      .then((hit) => hit || fetch(request)),
  );
});
