// Issue 10: live sync through the relay, with browser profiles on one relay this test starts (so
// it can kill it): an edit shows in the other browser within 2 s; edits made offline meet when
// the network returns; the relay killed and restarted mid-editing loses nothing and both
// browsers reconnect by themselves; a wrong secret gets the reason and no data; a standard
// automerge-repo peer in Node edits the register and the browser shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Profile, expectText, eventually } from './harness.mjs';
import { App } from './fixtures/app.mjs';

const PORT = Number(process.env.QINGFENG_LIVE_PORT ?? 18095);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const RELAY_BIN = process.env.QINGFENG_RELAY_BIN ?? 'target/debug/qingfeng-relay';

/** Starts the relay on the test's own port and data folder; resolves once /health answers. */
async function startRelay(data) {
  const log = openSync(join(data, 'relay.log'), 'a');
  const child = spawn(RELAY_BIN, ['--addr', `127.0.0.1:${PORT}`, '--dist', 'dist', '--data', join(data, 'store')], {
    stdio: ['ignore', 'ignore', log],
  });
  await eventually(async () => assert.equal((await fetch(`${ORIGIN}/health`)).status, 200), 10000);
  return child;
}

function kill9(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

async function liveState(app) {
  return app.id('live-status').getAttribute('data-state');
}

async function synced(app, timeout = 10000) {
  await eventually(async () => assert.equal(await liveState(app), 'synced'), timeout);
}

/** The names on the org page's people list. */
async function people(app) {
  return app.page.getByTestId('person-row').allInnerTexts();
}

/** Opens a share link of the app's own relay and confirms joining. */
async function openLink(app, link) {
  await app.page.goto(link);
  await app.id('join-confirm').waitFor();
  await app.id('join-confirm-ok').click();
}

async function hasPerson(app, name, timeout) {
  await eventually(async () => assert.ok((await people(app)).some((row) => row.includes(name)), `${name} missing`), timeout);
}

test('two browsers stay in sync through the relay, offline and across a relay crash', async () => {
  const data = mkdtempSync(join(tmpdir(), 'qingfeng-live-'));
  let relay = await startRelay(data);
  const profiles = [new Profile(), new Profile(), new Profile()];
  try {
    // A shares the register live: the relay is the server the app came from.
    const a = new App(await profiles[0].open(), ORIGIN);
    const id = await a.createRegister({ name: '清风小学', hotline: '8573065' });
    await a.iAm('王家福');
    await a.goto('sync');
    await eventually(async () => assert.equal(await a.id('live-relay').inputValue(), `ws://127.0.0.1:${PORT}/sync`));
    await a.id('live-on').click();
    await synced(a);
    const link = await a.id('share-link').inputValue();
    assert.match(link, new RegExp(`^${ORIGIN}/join#relay=ws%3A%2F%2F127\\.0\\.0\\.1%3A${PORT}%2Fsync&r=${id}&k=[A-Za-z0-9_-]{22}$`));
    assert.match(await a.id('share-qr').innerHTML(), /^<svg/);
    const secret = new URL(link).hash.match(/k=([^&]+)/)[1];

    // B opens the link: the register arrives, the secret leaves the address bar.
    const b = new App(await profiles[1].open(), ORIGIN);
    await openLink(b, link);
    await eventually(async () => assert.equal(b.registerId(), id), 15000).catch(async (e) => {
      const state = await b.id('join-state').allInnerTexts();
      throw new Error(`B did not open the register: ${state.join(' / ')}; ${profiles[1].errors.join(' / ')}`, { cause: e });
    });
    assert.ok(!b.page.url().includes('#'), 'the link is gone from the address bar');
    await expectText(b.id('current-unit'), '清风小学');
    await synced(b);
    await b.iAm('王家福');

    // An edit in A shows in B within 2 s.
    await b.goto('org');
    await a.goto('org');
    await a.addPerson('谭小红');
    const start = Date.now();
    await hasPerson(b, '谭小红', 2000);
    console.log(`live edit reached the other browser in ${Date.now() - start} ms`);

    // B goes offline and edits; A edits; B comes back: both have both edits.
    await b.page.context().setOffline(true);
    await eventually(async () => assert.equal(await liveState(b), 'offline'));
    await b.addPerson('离线录入');
    await b.saved();
    await a.addPerson('在线录入');
    await b.page.context().setOffline(false);
    for (const app of [a, b]) {
      await hasPerson(app, '离线录入', 10000);
      await hasPerson(app, '在线录入', 10000);
    }

    // The relay dies mid-editing and comes back on the same data: nothing is lost, and both
    // reconnect by themselves.
    await a.addPerson('崩溃前甲');
    await b.addPerson('崩溃前乙');
    await kill9(relay);
    await eventually(async () => assert.equal(await liveState(a), 'failed'), 5000);
    await a.addPerson('中继停时甲');
    await b.addPerson('中继停时乙');
    relay = await startRelay(data);
    for (const app of [a, b]) {
      for (const name of ['崩溃前甲', '崩溃前乙', '中继停时甲', '中继停时乙']) await hasPerson(app, name, 20000);
      await synced(app, 20000);
    }
    assert.deepEqual((await people(a)).sort(), (await people(b)).sort());

    // The relay freezes: no close, no answer, as a relay cut off from the network. A, with a
    // change going up, gives the connection up by itself; once the relay answers again, the
    // change arrives.
    relay.kill('SIGSTOP');
    await a.addPerson('中继无响应时');
    await eventually(async () => assert.equal(await liveState(a), 'failed'), 45000);
    relay.kill('SIGCONT');
    await hasPerson(b, '中继无响应时', 40000);
    await synced(a, 40000);

    // A standard automerge-repo peer with the id and secret renames the unit; A shows it.
    const out = execFileSync('node', ['relay/interop/peer.mjs', `ws://127.0.0.1:${PORT}/sync`, id, decodeURIComponent(secret), '清风小学（外部修改）'], {
      encoding: 'utf8',
    });
    assert.equal(JSON.parse(out).id, id);
    await expectText(a.id('current-unit'), '清风小学（外部修改）', 5000);

    // A third browser with a wrong secret: the reason, and no register.
    const c = new App(await profiles[2].open(), ORIGIN);
    await openLink(c, link.replace(/k=[^&]+/, 'k=AAAAAAAAAAAAAAAAAAAAAA'));
    await expectText(c.id('join-state'), '共享密钥错误或已更换', 10000);
    await c.home();
    assert.equal(await c.id('register-item').count(), 0);

    for (const profile of profiles) assert.deepEqual(profile.errors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::/.test(e)), []);
  } finally {
    for (const profile of profiles) await profile.dispose();
    await kill9(relay);
    rmSync(data, { recursive: true, force: true });
  }
});

/** How many connections the relay has accepted so far (its log says each). */
function connections(data) {
  return (readFileSync(join(data, 'relay.log'), 'utf8').match(/peer connected/g) ?? []).length;
}

/** How many chunks of `register` this profile's store holds. */
async function chunks(page, register) {
  return page.evaluate(
    (register) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('qingfeng');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction('chunks').objectStore('chunks').count(IDBKeyRange.bound([register], [register, []]));
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error);
        };
      }),
    register,
  );
}

async function shareLive(app) {
  await app.goto('sync');
  await eventually(async () => assert.equal(await app.id('live-relay').inputValue(), `ws://127.0.0.1:${PORT}/sync`));
  await app.id('live-on').click();
  await synced(app);
  return app.id('share-link').inputValue();
}

test('one connection carries every register a browser shares, open in a tab or not', async () => {
  const data = mkdtempSync(join(tmpdir(), 'qingfeng-live-'));
  const relay = await startRelay(data);
  const profiles = [new Profile(), new Profile()];
  try {
    // A shares two registers, each from its own tab: one connection carries both.
    const first = new App(await profiles[0].open(), ORIGIN);
    const x = await first.createRegister({ name: '清风小学' });
    await first.iAm('王家福');
    const xLink = await shareLive(first);
    const second = new App(await profiles[0].context.newPage(), ORIGIN);
    await second.createRegister({ name: '清风中学' });
    await second.iAm('王家福');
    const yLink = await shareLive(second);
    assert.equal(connections(data), 1, 'both registers on the first tab’s connection');

    // B joins Y; an edit in the tab without the connection reaches B through the other tab's.
    const b = new App(await profiles[1].open(), ORIGIN);
    await openLink(b, yLink);
    await eventually(async () => assert.equal(b.registerId(), second.registerId()), 15000);
    await synced(b);
    await b.goto('org');
    await second.goto('org');
    await second.addPerson('第二个标签页录入');
    await hasPerson(b, '第二个标签页录入', 5000);

    // The tab holding the connection closes: the other tab's worker takes over, alone.
    const before = connections(data);
    await first.page.close();
    await eventually(async () => assert.match(readFileSync(join(data, 'relay.log'), 'utf8'), /peer disconnected/));
    await eventually(async () => assert.equal(connections(data), before + 1), 15000);
    await synced(second, 15000);

    // B joins X and edits it while A has only Y open: A's store gets the edit all the same.
    await openLink(b, xLink);
    await eventually(async () => assert.equal(b.registerId(), x), 15000);
    await synced(b);
    await b.iAm('王家福');
    const stored = await chunks(second.page, x);
    await b.goto('org');
    await b.addPerson('后台同步');
    await synced(b);
    await eventually(async () => assert.ok((await chunks(second.page, x)) > stored, 'the edit is stored'), 10000);

    // Offline, A opens X: the edit is there.
    await profiles[0].context.setOffline(true);
    await second.page.goto(`${ORIGIN}/r/${x}/org`);
    await hasPerson(second, '后台同步', 5000);
    await profiles[0].context.setOffline(false);
    await synced(second, 15000);

    for (const profile of profiles) assert.deepEqual(profile.errors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::/.test(e)), []);
  } finally {
    for (const profile of profiles) await profile.dispose();
    await kill9(relay);
    rmSync(data, { recursive: true, force: true });
  }
});

test('a hub whose thread is stuck is replaced, and steps down when it runs again', async () => {
  const data = mkdtempSync(join(tmpdir(), 'qingfeng-live-'));
  const relay = await startRelay(data);
  const profiles = [new Profile(), new Profile()];
  try {
    // A's first tab shares the register and holds the connection; a second tab has it open too.
    const first = new App(await profiles[0].open(), ORIGIN);
    const id = await first.createRegister({ name: '清风小学' });
    await first.iAm('王家福');
    const link = await shareLive(first);
    const second = new App(await profiles[0].context.newPage(), ORIGIN);
    await second.page.goto(`${ORIGIN}/r/${id}/org`);
    await synced(second);
    const b = new App(await profiles[1].open(), ORIGIN);
    await openLink(b, link);
    await eventually(async () => assert.equal(b.registerId(), id), 15000);
    await synced(b);
    await b.goto('org');

    // The first tab's worker, the hub, is stuck for 40 s (as a frozen background tab's is): its
    // lock and its connection stay. The second tab's edit still reaches B: after 20 s of
    // silence the second tab's worker takes the hub's lock and opens its own connection.
    const before = connections(data);
    const [engine] = first.page.workers();
    assert.match(engine.url(), /worker/);
    const stuck = engine.evaluate(() => {
      const until = Date.now() + 40_000;
      while (Date.now() < until);
    });
    await second.addPerson('冻结期间录入');
    await hasPerson(b, '冻结期间录入', 40000);
    assert.equal(connections(data), before + 1, 'the second tab’s worker connected');
    await synced(second, 15000);

    // The first tab's worker runs again: it hears it lost the lock and closes its connection;
    // the tab shows the edit and its own edits go up through the new hub.
    await stuck;
    await eventually(async () => assert.match(readFileSync(join(data, 'relay.log'), 'utf8'), /peer disconnected/), 15000);
    await first.goto('org');
    await hasPerson(first, '冻结期间录入', 15000);
    await first.addPerson('醒来后录入');
    await hasPerson(b, '醒来后录入', 15000);
    await synced(first, 15000);
    assert.equal(connections(data), before + 1, 'no third connection');

    for (const profile of profiles) assert.deepEqual(profile.errors.filter((e) => !/WebSocket|net::/.test(e)), []);
  } finally {
    for (const profile of profiles) await profile.dispose();
    await kill9(relay);
    rmSync(data, { recursive: true, force: true });
  }
});

test('a link to another relay for a register this browser holds asks first, and sends nothing when declined', async () => {
  const data = mkdtempSync(join(tmpdir(), 'qingfeng-live-'));
  const other = mkdtempSync(join(tmpdir(), 'qingfeng-other-'));
  const relay = await startRelay(data);
  const port = PORT + 7;
  const log = openSync(join(other, 'relay.log'), 'a');
  const stranger = spawn(RELAY_BIN, ['--addr', `127.0.0.1:${port}`, '--dist', 'dist', '--data', join(other, 'store')], {
    stdio: ['ignore', 'ignore', log],
  });
  const profile = new Profile();
  try {
    await eventually(async () => assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200), 10000);
    const a = new App(await profile.open(), ORIGIN);
    const id = await a.createRegister({ name: '清风小学' });
    await a.iAm('王家福');
    await shareLive(a);

    // A link naming this register on another relay: the page asks, and sends nothing meanwhile.
    const hostile = `${ORIGIN}/join#relay=${encodeURIComponent(`ws://127.0.0.1:${port}/sync`)}&r=${id}&k=AAAAAAAAAAAAAAAAAAAAAA`;
    await a.page.goto(hostile);
    await a.id('join-confirm').waitFor();
    await expectText(a.id('join-host'), `127.0.0.1:${port}`);
    await expectText(a.id('join-register'), '清风小学');
    const warnings = (await a.id('join-warning').allInnerTexts()).join(' ');
    assert.match(warnings, /实时同步将改到/);
    assert.match(warnings, /不是本应用所在服务器的中继/);
    assert.ok(!a.page.url().includes('#'), 'the secret left the address bar');
    // A relay of someone else's needs its address typed.
    assert.ok(await a.id('join-confirm-ok').isDisabled());
    await a.id('join-typed-host').fill(`127.0.0.1:${port}`);
    assert.ok(await a.id('join-confirm-ok').isEnabled());
    await a.id('join-cancel').click();
    await expectText(a.id('join-state'), '未向任何中继发送内容');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(connections(other), 0, 'nothing reached the other relay');

    // The register still syncs with its own relay, under its own secret.
    await a.page.goto(`${ORIGIN}/r/${id}/sync`);
    await synced(a);
    const relayParam = `relay=${encodeURIComponent(`ws://127.0.0.1:${PORT}/sync`)}`;
    assert.ok((await a.id('share-link').inputValue()).includes(relayParam), 'the share link names its own relay');
    assert.deepEqual(profile.errors.filter((e) => !/WebSocket|net::/.test(e)), []);
  } finally {
    await profile.dispose();
    await kill9(relay);
    await kill9(stranger);
    rmSync(data, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
});

test('after 更换密钥 a member still connected with the old secret stops receiving at once, and the new link resumes at once', async () => {
  const data = mkdtempSync(join(tmpdir(), 'qingfeng-live-'));
  const relay = await startRelay(data);
  const profiles = [new Profile(), new Profile()];
  try {
    const a = new App(await profiles[0].open(), ORIGIN);
    const id = await a.createRegister({ name: '清风小学' });
    await a.iAm('王家福');
    const link = await shareLive(a);
    const b = new App(await profiles[1].open(), ORIGIN);
    await openLink(b, link);
    await eventually(async () => assert.equal(b.registerId(), id), 15000);
    await synced(b);
    await b.goto('org');

    // A replaces the secret: B's connection, holding the old one, is closed, and B is refused.
    a.page.once('dialog', (dialog) => dialog.accept());
    await a.id('new-secret').click();
    await expectText(a.id('live-notice'), '已更换');
    const renewed = await a.id('share-link').inputValue();
    assert.notEqual(renewed, link);
    await eventually(async () => assert.equal(await liveState(b), 'failed'), 10000);
    await a.goto('org');
    await a.addPerson('换密钥后录入');
    await synced(a);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.ok(!(await people(b)).some((row) => row.includes('换密钥后录入')), 'the old secret receives nothing');

    // B opens the new link: it resumes at once, no reload.
    await openLink(b, renewed);
    await eventually(async () => assert.equal(b.registerId(), id), 15000);
    await b.goto('org');
    await hasPerson(b, '换密钥后录入', 10000);
    await synced(b, 10000);
    for (const profile of profiles) assert.deepEqual(profile.errors.filter((e) => !/WebSocket|net::/.test(e)), []);
  } finally {
    for (const profile of profiles) await profile.dispose();
    await kill9(relay);
    rmSync(data, { recursive: true, force: true });
  }
});
