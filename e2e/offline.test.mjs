// Issue 12: after one visit the app opens and works with the network off, on a deep route; a
// new build is offered (有新版本) and taking it keeps an edit typed just before; a browser that
// cannot run the app gets a plain Chinese page instead of a blank one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, Profile, eventually, expectText } from './harness.mjs';
import { App } from './fixtures/app.mjs';

/** Waits until the service worker controls the page: the app is cached. */
async function cached(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
}

test('after one visit the app opens offline on a deep route and keeps what is typed there', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '离线小学' });
    await app.iAm('王家福');
    await cached(app.page);
    const risks = `${BASE}/r/${app.registerId()}/risks`;

    await profile.context.setOffline(true);
    await app.page.goto(risks);
    await app.id('risk-table').waitFor();
    await app.addRisk({ scope: 'unit', kind: '思想道德风险', level: '3', description: '断网时录入的风险点' });
    await app.saved();
    await app.page.reload();
    await app.goto('risks');
    await expectText(app.id('risk-table'), '断网时录入的风险点');

    await profile.context.setOffline(false);
    await app.page.reload();
    await app.goto('risks');
    await expectText(app.id('risk-table'), '断网时录入的风险点');
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

test('a new build is offered, and taking it keeps an edit typed just before', async () => {
  // A relay of our own over a copy of the build, so that a "deploy" changes only this copy.
  const dist = mkdtempSync(join(tmpdir(), 'qingfeng-dist-'));
  const data = mkdtempSync(join(tmpdir(), 'qingfeng-data-'));
  cpSync('dist', dist, { recursive: true });
  const port = await freePort();
  const bin = process.env.QINGFENG_RELAY_BIN ?? `${process.env.CARGO_TARGET_DIR ?? 'target'}/debug/qingfeng-relay`;
  const relay = spawn(bin, ['--addr', `127.0.0.1:${port}`, '--dist', dist, '--data', data], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const profile = new Profile();
  try {
    await eventually(async () => assert.ok((await fetch(`${base}/health`)).ok), 10_000);
    const page = await profile.open();
    const app = new App(page, base);
    await app.createRegister({ name: '更新小学' });
    await app.iAm('王家福');
    await cached(page);
    assert.equal(await app.id('app-update').count(), 0);

    // Deploy: a changed index.html, and the service worker of that build.
    const index = join(dist, 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replace('</body>', '<!-- qingfeng-build-2 --></body>'));
    await new Promise((resolve, reject) => {
      const build = spawn('node', ['scripts/service-worker.mjs', dist], { stdio: 'ignore' });
      build.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`service-worker.mjs exited ${code}`))));
    });
    // The compressed copies of the two changed files would otherwise still be served.
    for (const file of ['index.html', 'sw.js']) {
      for (const copy of ['br', 'gz']) rmSync(join(dist, `${file}.${copy}`), { force: true });
    }

    // The old build still runs the page; the new one is offered. A second tab has it open too.
    await page.reload();
    await app.id('app-update').waitFor({ timeout: 15_000 });
    await expectText(app.id('app-update'), '有新版本');
    assert.ok(!(await page.content()).includes('qingfeng-build-2'));
    const other = new App(await profile.context.newPage(), base);
    await other.page.goto(`${base}/r/${app.registerId()}/org`);
    await other.id('app-update').waitFor({ timeout: 15_000 });

    // An edit typed, and the update taken at once: the edit is stored first.
    await app.goto('org');
    await app.id('person-name').fill('更新前录入的人');
    await app.id('person-save').click();
    await app.id('app-update-take').click();
    await eventually(async () => assert.ok((await page.content()).includes('qingfeng-build-2')), 15_000);
    await app.goto('org');
    await app.row('person', '更新前录入的人').waitFor();
    assert.equal(await app.id('app-update').count(), 0);

    // The other tab still runs the old build, says so, and keeps working: the previous build's
    // files stay cached for it. Updating it stores its edit first, then reloads.
    await expectText(other.id('app-update'), '新版本已在另一个标签页启用');
    assert.ok(!(await other.page.content()).includes('qingfeng-build-2'));
    assert.equal((await other.page.evaluate(() => caches.keys())).length, 2, 'the old build’s cache is kept');
    await other.id('person-name').fill('旧版本页面录入的人');
    await other.id('person-save').click();
    await other.id('app-update-take').click();
    await eventually(async () => assert.ok((await other.page.content()).includes('qingfeng-build-2')), 15_000);
    await other.goto('org');
    await other.row('person', '旧版本页面录入的人').waitFor();
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
    relay.kill();
    rmSync(dist, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
});

test('a browser without WebAssembly gets a Chinese page saying what to do', async () => {
  const profile = new Profile();
  try {
    const page = await profile.open();
    await page.addInitScript(() => {
      delete globalThis.WebAssembly;
    });
    await page.goto(BASE);
    const notice = page.locator('#qf-unsupported');
    await notice.waitFor({ state: 'visible' });
    await expectText(notice, '清风无法在当前浏览器中运行');
    await expectText(notice, '切换到极速模式');
  } finally {
    await profile.dispose();
  }
});
