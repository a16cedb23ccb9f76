// Bytes a browser downloads from the relay on a first and a repeat visit, counted on the wire by
// a TCP proxy in front of the relay (so the service worker's own fetches count too).
// Usage: node bench/visit-bytes.mjs [relay address, default 127.0.0.1:8080]
import { createServer, connect } from 'node:net';
import { Profile } from '../e2e/harness.mjs';

const [host, port] = (process.argv[2] ?? '127.0.0.1:8080').split(':');
let down = 0;
const proxy = createServer((client) => {
  const upstream = connect(Number(port), host);
  client.pipe(upstream);
  upstream.on('data', (chunk) => (down += chunk.length));
  upstream.pipe(client);
  const close = () => { client.destroy(); upstream.destroy(); };
  client.on('error', close);
  upstream.on('error', close);
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${proxy.address().port}`;

const profile = new Profile();
const page = await profile.open();
const settle = async () => {
  await page.getByTestId('create-register-form').waitFor();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
  await page.waitForTimeout(1500);
};
await page.goto(base);
await settle();
const first = down;
down = 0;
await page.reload();
await settle();
const repeat = down;
down = 0;
await profile.close();
await profile.open();
await profile.page.goto(base);
await profile.page.getByTestId('create-register-form').waitFor();
await profile.page.waitForTimeout(1500);
const restart = down;
await profile.dispose();
proxy.close();
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(JSON.stringify({ first_visit: kb(first), reload: kb(repeat), browser_restarted: kb(restart) }));
