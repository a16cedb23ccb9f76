// Issue 9: two tabs of one browser profile are one register. Each tab's edits show in the other
// within a second; after the browser closes and reopens, every edit of both is there, and a
// field both tabs changed at the same moment shows as a conflict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, Profile, expectCount, eventually } from './harness.mjs';
import { App } from './fixtures/app.mjs';

/** How long another tab may take to show an edit (the budget is 1 s). */
const WITHIN = 1000;

test('two tabs of one register see each other and lose nothing', async () => {
  const profile = new Profile();
  try {
    const one = new App(await profile.open());
    const id = await one.createRegister({ name: '王场小学' });
    await one.iAm('王家福');
    await one.saved();
    const two = new App(await profile.context.newPage());
    two.page.on('pageerror', (e) => profile.errors.push(e.message));
    await two.page.goto(`${BASE}/r/${id}/risks`);
    await two.id('risk-table').waitFor();
    const base = (await two.riskRows()).length;

    // Tab 1 adds two points, tab 2 one; each shows up in the other tab within the budget.
    await one.addRisk({ scope: 'unit', kind: '岗位职责风险', level: '2', powerItem: '食堂采购', description: '采买人员收受回扣' });
    await eventually(async () => assert.equal((await two.id('risk-row').allInnerTexts()).filter((r) => r.includes('采买人员收受回扣')).length, 1), WITHIN + 500);
    await one.addRisk({ scope: 'unit', kind: '制度机制风险', level: '3', powerItem: '书报订购', description: '订购书报搭售' });
    await two.addRisk({ scope: 'unit', kind: '思想道德风险', level: '1', powerItem: '基建维修', description: '工程超过五万元未招标' });
    await one.goto('risks');
    await expectCount(one.id('risk-row'), base + 3, WITHIN + 500);
    await two.goto('risks');
    await expectCount(two.id('risk-row'), base + 3, WITHIN + 500);

    // Both tabs change one field of one point at the same moment: neither saw the other's.
    for (const app of [one, two]) {
      await app.id('risk-row-link').filter({ hasText: '采买人员收受回扣' }).click();
      await app.id('risk-power_item').waitFor();
    }
    await one.id('risk-power_item').fill('食堂食品采购');
    await two.id('risk-power_item').fill('食品验收');
    // A click waits for animation frames, which a background tab throttles to one a second:
    // dispatch both clicks at once so that neither tab has seen the other's edit.
    await Promise.all([one.id('risk-save').dispatchEvent('click'), two.id('risk-save').dispatchEvent('click')]);
    for (const app of [one, two]) {
      await app.id('conflict-panel').waitFor({ timeout: WITHIN + 2000 });
      await app.saved();
    }
    await profile.close();

    // The browser reopens: every point of both tabs, and the conflict, are there.
    const again = new App(await profile.open());
    await again.page.goto(`${BASE}/r/${id}/risks`);
    await expectCount(again.id('risk-row'), base + 3);
    const rows = await again.riskRows();
    for (const text of ['采买人员收受回扣', '订购书报搭售', '工程超过五万元未招标']) {
      assert.ok(rows.some((r) => r.includes(text)), text);
    }
    await again.id('risk-row-link').filter({ hasText: '采买人员收受回扣' }).click();
    await again.id('conflict-panel').waitFor();
    const values = await again.id('conflict-value').allInnerTexts();
    assert.ok(values.some((v) => v.includes('食堂食品采购')), values.join(' | '));
    assert.ok(values.some((v) => v.includes('食品验收')), values.join(' | '));
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

test('a tab opened later catches up, and a closing tab keeps its last edit', async () => {
  const profile = new Profile();
  try {
    const one = new App(await profile.open());
    const id = await one.createRegister({ name: '实验二小' });
    await one.goto('org');
    await one.addPerson('朱忠云', { title: '会计' });
    await one.saved();
    const two = new App(await profile.context.newPage());
    await two.page.goto(`${BASE}/r/${id}/org`);
    await two.row('person', '朱忠云').waitFor();
    // Tab 2 types and closes at once, before its debounced save: the closing-time journal
    // keeps the edit, and the next opening stores it.
    await two.addPerson('姚小勤', { title: '出纳' });
    await two.page.close({ runBeforeUnload: true });
    const three = new App(await profile.context.newPage());
    await three.page.goto(`${BASE}/r/${id}/org`);
    await three.row('person', '朱忠云').waitFor();
    await three.row('person', '姚小勤').waitFor();
    await three.saved();
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

test('reopening paints from the view copy at once, then from the document', async () => {
  const profile = new Profile();
  try {
    const one = new App(await profile.open());
    const id = await one.createRegister({ name: '高桥小学' });
    await one.addRisk({ scope: 'unit', kind: '岗位职责风险', level: '2', powerItem: '食堂采购', description: '采买人员收受回扣' });
    await one.saved();
    // The view copy is written a few seconds after the last save: wait until it holds the point.
    await eventually(async () => assert.ok(await one.page.evaluate(async (register) => {
      const db = await new Promise((ok, fail) => Object.assign(indexedDB.open('qingfeng'), { onsuccess: (e) => ok(e.target.result), onerror: fail }));
      const read = db.transaction('chunks').objectStore('chunks').get(['view', register]);
      const bytes = await new Promise((ok, fail) => Object.assign(read, { onsuccess: () => ok(read.result), onerror: fail }));
      db.close();
      return Boolean(bytes) && new TextDecoder().decode(bytes).includes('采买人员收受回扣');
    }, id)), 10_000);

    // Another tab changes the point and closes before its own copy is written.
    const two = new App(await profile.context.newPage());
    await two.page.goto(`${BASE}/r/${id}/risks`);
    await two.id('risk-row-link').filter({ hasText: '采买人员收受回扣' }).click();
    await two.fillRisk({ description: '采买人员收受供应商回扣' });
    await two.saved();
    await two.page.close();

    // The next opening (slowed down by the test hook) shows the old copy as "updating" first,
    // then the document's current state.
    await one.page.evaluate(() => localStorage.setItem('qingfeng.test.open_delay_ms', '1500'));
    await one.page.close();
    const three = new App(await profile.context.newPage());
    await three.page.goto(`${BASE}/r/${id}/risks`);
    await three.id('updating').waitFor();
    assert.ok((await three.riskRows()).some((r) => r.includes('采买人员收受回扣')));
    await expectCount(three.id('updating'), 0, 5000);
    await eventually(async () => assert.ok((await three.riskRows()).some((r) => r.includes('采买人员收受供应商回扣'))));
    assert.ok(!(await three.riskRows()).some((r) => r.includes('采买人员收受回扣')));
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});
