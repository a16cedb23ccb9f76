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
    const page = await profile.open();
    const app = new App(page);
    const id = await app.createRegister({ name: '高桥小学' });
    await app.goto('org');
    await app.saved();

    // Fill this site's real localStorage quota with other data.
    await page.evaluate(() => {
      const chunk = 'x'.repeat(256 * 1024);
      let i = 0;
      try {
        for (;;) localStorage.setItem(`junk.${i++}`, chunk);
      } catch {
        /* full */
      }
      for (let size = 128 * 1024; size >= 1; size = Math.floor(size / 2)) {
        try {
          localStorage.setItem(`junk.${i++}`, 'x'.repeat(size));
        } catch {
          /* that size no longer fits */
        }
      }
    });
    await app.addPerson('朱忠云', { title: '会计' });
    await eventually(async () => assert.equal(await app.id('save-status').getAttribute('data-state'), 'failed'));
    await expectText(app.id('save-status'), '存储空间已满');
    await app.addPerson('陈继荣');
    await expectCount(app.id('person-row'), 2);
    await expectText(app.id('save-status'), '存储空间已满');

    // Room again: the next save writes everything that was kept in memory.
    await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('junk.')).forEach((k) => localStorage.removeItem(k)));
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
