// Step 5: edits are saved as they happen; a closed browser reopens on the same register; a full
// quota is reported, the edits stay on the page, and a later save stores them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, Profile, expectCount, expectText, eventually } from './harness.mjs';
import { App } from './fixtures/app.mjs';

test('a closed browser reopens with everything', async () => {
  const profile = new Profile();
  try {
    let app = new App(await profile.open());
    const id = await app.createRegister({ name: '实验二小', hotline: '0716-8573065' });
    await app.goto('org');
    await app.addPerson('姚小勤', { title: '出纳' });
    await app.addRisk({ post: undefined, scope: 'department', department: '财务室', kind: '制度机制风险', level: '2', description: '现金管理不规范' });
    await app.saved();
    await profile.close();

    app = new App(await profile.open());
    await app.home();
    await expectText(app.id('register-list'), '实验二小');
    await app.id('register-item').getByRole('link').click();
    assert.equal(app.registerId(), id);
    await app.goto('risks');
    await expectText(app.id('risk-row'), '现金管理不规范');
    await app.goto('org');
    await app.row('person', '姚小勤').waitFor();
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

test('a full quota is shown, nothing typed is lost, and the next save catches up', async () => {
  const profile = new Profile();
  try {
    const { page, app, id } = await registerWithFullStorage(profile);
    await app.addPerson('朱忠云', { title: '会计' });
    await eventually(async () => assert.equal(await app.id('save-status').getAttribute('data-state'), 'failed'));
    await expectText(app.id('save-status'), '存储空间已满');
    await app.addPerson('陈继荣');
    await expectCount(app.id('person-row'), 2);
    await expectText(app.id('save-status'), '存储空间已满');

    // Room again: the next save writes everything that was kept in memory.
    await freeStorage(page);
    await app.addPerson('王家福');
    await app.saved();
    await page.goto(`${BASE}/r/${id}/org`);
    await expectCount(app.id('person-row'), 3);
    const people = await app.id('person-row').allInnerTexts();
    for (const name of ['朱忠云', '陈继荣', '王家福']) assert.ok(people.some((p) => p.includes(name)), name);
  } finally {
    await profile.dispose();
  }
});

test('opening another register while the quota is full keeps the first one\'s edits (issue 26, finding 2)', async () => {
  const profile = new Profile();
  try {
    const { page, app, id: first } = await registerWithFullStorage(profile);
    await app.addPerson('朱忠云', { title: '会计' });
    await eventually(async () => assert.equal(await app.id('save-status').getAttribute('data-state'), 'failed'));

    // The member goes on to a new register while the first still cannot be stored, then frees
    // space and comes back (a new page: what the worker held is in the closing-time journal).
    const second = await app.createRegister({ name: '王场小学' });
    assert.notEqual(second, first);
    await freeStorage(page);
    await page.goto(`${BASE}/r/${first}/org`);
    await app.row('person', '朱忠云').waitFor();
    await app.saved();
    // Stored now, not only journaled: it is there after another reload.
    await page.reload();
    await app.row('person', '朱忠云').waitFor();
    await page.goto(`${BASE}/r/${second}/org`);
    await expectCount(app.id('person-row'), 0);
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

/** A register 高桥小学, saved, on the 机构人员 page, and then the site's storage full. */
async function registerWithFullStorage(profile) {
  const page = await profile.open();
  // The site gets 2 MB of real quota (Chromium's quota manager, set through the DevTools
  // protocol before the site first stores anything); another database then fills it.
  const cdp = await profile.context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(BASE).origin, quotaSize: 2_000_000 });
  const app = new App(page);
  const id = await app.createRegister({ name: '高桥小学' });
  await app.goto('org');
  await app.saved();
  await fillStorage(page);
  return { page, app, id };
}

/** Fills the site's quota with records of a database of its own, largest first. */
function fillStorage(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('filler', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('blobs');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    let key = 0;
    for (const size of [262144, 65536, 16384, 4096, 1024, 256]) {
      for (;;) {
        const stored = await new Promise((resolve) => {
          const tx = db.transaction('blobs', 'readwrite');
          tx.objectStore('blobs').put(new Uint8Array(size).fill(7), key++);
          tx.oncomplete = () => resolve(true);
          tx.onabort = () => resolve(false);
        });
        if (!stored) break;
      }
    }
    db.close();
  });
}

function freeStorage(page) {
  return page.evaluate(
    () => new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase('filler');
      request.onsuccess = resolve;
      request.onerror = () => reject(request.error);
    }),
  );
}
