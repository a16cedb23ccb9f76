// Writes the one-file copy of the app (dist-single/qingfeng.html) from a release build in dist/:
// the page's script, the stylesheet and both wasm files (page and register engine) inside one
// HTML file that runs from a USB stick or a shared folder by double-click (file://).
//
// The wasm files are gzipped and base64-encoded in inert <script type="application/octet-stream">
// blocks and unpacked by the browser's own DecompressionStream. The engine's worker is started
// from a Blob URL (window.qingfengWorker, used by src/ui/engine_link.rs) and gets its wasm in its
// first message, since a worker cannot fetch the page's Blob URLs on file://. Routes live in the
// URL's fragment there (vendor/leptos_router/PATCH.md).
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const out = process.argv[3] ?? 'dist-single';
const names = readdirSync(dist);
const one = (pattern) => {
  const found = names.filter((name) => pattern.test(name));
  if (found.length !== 1) throw new Error(`expected one file like ${pattern} in ${dist}, found ${found.length}`);
  return join(dist, found[0]);
};
const text = (path) => {
  const body = readFileSync(path, 'utf8');
  // Everything below goes inside <script> or <style>: it must not close that element early.
  if (/<\/(script|style)/i.test(body)) throw new Error(`${path} contains a closing tag; cannot inline it`);
  return body;
};
const packed = (path) => gzipSync(readFileSync(path), { level: 9 }).toString('base64');

const index = readFileSync(join(dist, 'index.html'), 'utf8');
const pageGlue = text(one(/^qingfeng-[0-9a-f]+\.js$/));
const css = text(one(/^app-[0-9a-f]+\.css$/));
const workerGlue = text(join(dist, 'worker.js'));

// The worker's first message is its wasm; after that the engine's own listener takes over.
const workerSource = `${workerGlue}
self.addEventListener('message', function boot(event) {
  self.removeEventListener('message', boot);
  event.stopImmediatePropagation();
  wasm_bindgen({ module_or_path: event.data });
});
`;

const start = `
const unpack = async (id) => {
  const bytes = Uint8Array.from(atob(document.getElementById(id).textContent), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
};
// DecompressionStream is the one thing this copy needs beyond the served app: Chromium 80,
// Firefox 113, Safari 16.4. The browser check's page (index.html) says so here.
if (!window.qingfengUnsupported && typeof DecompressionStream !== 'function') {
  document.getElementById('qf-unsupported').style.display = 'block';
  window.qingfengUnsupported = true;
}
if (!window.qingfengUnsupported) {
  const workerUrl = URL.createObjectURL(new Blob([document.getElementById('qf-worker-js').textContent], { type: 'text/javascript' }));
  const workerWasm = unpack('qf-worker-wasm');
  window.qingfengWorker = () => {
    const worker = new Worker(workerUrl);
    workerWasm.then((bytes) => worker.postMessage(bytes));
    return worker;
  };
  await __wbg_init({ module_or_path: await unpack('qf-page-wasm') });
}
`;

// index.html with the one file's browser versions, and without what the one file carries itself
// (stylesheet, preloads, Trunk's loader) or cannot use on file:// (the installable app's manifest
// and icons).
const versions = [
  ['Firefox 89 及以上、Safari 15 及以上', 'Firefox 113 及以上、Safari 16.4 及以上'],
  ['Firefox 89+ or Safari 15+', 'Firefox 113+ or Safari 16.4+'],
];
let html = versions.reduce((page, [served, here]) => {
  if (!page.includes(served)) throw new Error(`dist/index.html no longer says "${served}"`);
  return page.replace(served, here);
}, index);
html = html
  .replace(/<script type="module">[\s\S]*?<\/script>/, '')
  .replace(/<link rel="(manifest|icon|apple-touch-icon|stylesheet|modulepreload|preload)"[^>]*>\s*/g, '');
if (/<link|<script type="module"/.test(html)) throw new Error('dist/index.html has a link or module this script does not know');
const blocks = [
  `<style>${css}</style>`,
  `<script type="application/octet-stream" id="qf-page-wasm">${packed(one(/^qingfeng-[0-9a-f]+_bg\.wasm$/))}</script>`,
  `<script type="application/octet-stream" id="qf-worker-wasm">${packed(join(dist, 'worker_bg.wasm'))}</script>`,
  `<script type="text/plain" id="qf-worker-js">${workerSource}</script>`,
  `<script type="module">${pageGlue}\n${start}</script>`,
];
// Function replacements: the inlined code may contain `$&` and the like.
html = html.replace('</head>', () => `${blocks[0]}\n</head>`).replace('</body>', () => `${blocks.slice(1).join('\n')}\n</body>`);

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'qingfeng.html'), html);
console.log(`${join(out, 'qingfeng.html')}: ${html.length.toLocaleString('en')} bytes`);
