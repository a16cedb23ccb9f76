// Issue 3: two members edit copies of one register offline (two browser profiles), exchange
// files both ways, and end with both edits; a concurrent edit of one field shows a conflict
// that a person resolves; history shows both authors; bad files change nothing; a reload
// shows the same state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, Profile, expectCount, expectText, eventually } from './harness.mjs';
import { App } from './fixtures/app.mjs';

test('two members merge by exchanging files, and nothing typed is lost', async () => {
  const files = mkdtempSync(join(tmpdir(), 'qingfeng-files-'));
  const wangProfile = new Profile();
  const zhuProfile = new Profile();
  try {
    // 王 creates the register and hands the file to 朱.
    const wang = new App(await wangProfile.open());
    const id = await wang.createRegister({ name: '高桥小学', hotline: '8573065' });
    await wang.iAm('王家福');
    await wang.addRisk({ scope: 'unit', kind: '岗位职责风险', level: '2', powerItem: '财务报销', description: '大额支出未经民主理财小组审核' });
    const first = await wang.exportFile(files);
    assert.match(first.name, /^高桥小学-\d{8}\.qingfeng$/);
    assert.equal(readFileSync(first.path).subarray(0, 8).toString(), 'QINGFENG');

    const zhu = new App(await zhuProfile.open());
    await zhu.home();
    assert.match(await zhu.importFile(first.path), /已添加新台账“高桥小学”/);
    await expectText(zhu.id('register-list'), '高桥小学');
    await zhu.id('import-open').click();
    await eventually(async () => assert.equal(zhu.registerId(), id));
    await zhu.iAm('朱忠云');

    // Offline, each edits: different fields, and one field both change.
    await wang.goto('risks');
    await wang.id('risk-row-link').first().click();
    await wang.fillRisk({ causes: '审批把关不严', powerItem: '报销审批' });
    await expectText(wang.id('risk-notice'), '已保存');
    await wang.goto('org');
    await wang.addPerson('陈继荣', { title: '副校长' });

    await zhu.goto('risks');
    await zhu.id('risk-row-link').first().click();
    await zhu.fillRisk({ manifestations: '先支付后补签', powerItem: '资金支付' });
    await expectText(zhu.id('risk-notice'), '已保存');

    // Files go both ways.
    const fromWang = await wang.exportFile(files);
    const fromZhu = await zhu.exportFile(files);
    assert.match(await wang.importFile(fromZhu.path), /已合并\d+处修改，来自：朱忠云/);
    assert.match(await zhu.importFile(fromWang.path), /已合并\d+处修改，来自：王家福/);
    assert.match(await zhu.importFile(fromWang.path), /没有新的修改/);

    for (const app of [wang, zhu]) {
      await app.goto('risks');
      await app.id('risk-row-link').first().click();
      assert.equal(await app.id('risk-causes').inputValue(), '审批把关不严');
      assert.equal(await app.id('risk-manifestations').inputValue(), '先支付后补签');
      // The same field, changed by both: a conflict showing both values and their authors.
      await app.id('conflict-panel').waitFor();
      const values = await app.id('conflict-value').allInnerTexts();
      assert.ok(values.some((v) => v.includes('报销审批') && v.includes('王家福')), values.join(' | '));
      assert.ok(values.some((v) => v.includes('资金支付') && v.includes('朱忠云')), values.join(' | '));
      await app.goto('dashboard');
      await expectText(app.id('count-conflicts'), '1');
      await app.goto('org');
      await app.row('person', '陈继荣').waitFor();
    }

    // 朱 picks 王's value; the choice travels back to 王 with the next file.
    await zhu.goto('risks');
    await zhu.id('risk-row-link').first().click();
    await zhu.id('conflict-value').filter({ hasText: '报销审批' }).getByTestId('conflict-pick').click();
    await expectCount(zhu.id('conflict-panel'), 0);
    assert.equal(await zhu.id('risk-power_item').inputValue(), '报销审批');
    const resolved = await zhu.exportFile(files);
    await wang.goto('sync');
    await wang.importFile(resolved.path);
    await wang.goto('dashboard');
    await expectText(wang.id('count-conflicts'), '0');

    // History shows both authors, and filters by person and kind.
    await wang.goto('history');
    const authors = await wang.id('history-row-author').allInnerTexts();
    assert.ok(authors.includes('王家福') && authors.includes('朱忠云'), authors.join(','));
    const zhuOption = await wang.id('history-author').locator('option', { hasText: '朱忠云' }).getAttribute('value');
    await wang.id('history-author').selectOption(zhuOption);
    await eventually(async () => {
      const only = await wang.id('history-row-author').allInnerTexts();
      assert.ok(only.length > 0 && only.every((a) => a === '朱忠云'), only.join(','));
    });
    await wang.id('history-author').selectOption('*');
    await wang.id('history-kind').selectOption('people');
    await eventually(async () => assert.ok((await wang.id('history-row').allInnerTexts()).every((r) => /人员/.test(r))));

    // The register as it was after the first change: no risk point, no 陈继荣.
    await wang.id('history-kind').selectOption('');
    await wang.id('view-as-of').last().click();
    await wang.id('as-of').waitFor();
    await expectCount(wang.id('as-of-risk-row'), 0);

    // Bad files: each says what is wrong, and the register stays as it was.
    await wang.goto('sync');
    const good = readFileSync(resolved.path);
    const bad = {
      'notes.qingfeng': [Buffer.from('not a register at all'), '不是清风台账文件'],
      'cut.qingfeng': [good.subarray(0, good.length - 20), '文件不完整'],
      'newer.qingfeng': [Buffer.concat([good.subarray(0, 8), Buffer.from([0, 9]), good.subarray(10)]), '更新版本'],
    };
    for (const [name, [bytes, message]] of Object.entries(bad)) {
      writeFileSync(join(files, name), bytes);
      assert.match(await wang.importFile(join(files, name), { expectError: true }), new RegExp(message));
    }
    await wang.goto('risks');
    await wang.expectRiskCount(1);

    // A reload shows the same state.
    await wang.page.goto(`${BASE}/r/${id}/org`);
    await wang.row('person', '陈继荣').waitFor();
    await wang.goto('risks');
    await wang.id('risk-row-link').first().click();
    assert.equal(await wang.id('risk-power_item').inputValue(), '报销审批');
    assert.equal(await wang.id('risk-manifestations').inputValue(), '先支付后补签');
    await expectCount(wang.id('conflict-panel'), 0);
    assert.deepEqual(wangProfile.errors, []);
    assert.deepEqual(zhuProfile.errors, []);
  } finally {
    await wangProfile.dispose();
    await zhuProfile.dispose();
    rmSync(files, { recursive: true, force: true });
  }
});

test('an entity is restored to an earlier version from its history', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '王场小学' });
    await app.iAm('姚小勤');
    await app.addRisk({ scope: 'unit', kind: '思想道德风险', level: '3', description: '理想信念淡化' });
    await app.fillRisk({ description: '写错的描述' });
    await expectText(app.id('risk-notice'), '已保存');
    await expectCount(app.id('entity-history-row'), 2);
    await app.id('restore-version').first().click();
    await expectText(app.id('history-notice'), '已恢复');
    await eventually(async () => assert.equal(await app.id('risk-description').inputValue(), '理想信念淡化'));
    await expectCount(app.id('entity-history-row'), 3);
  } finally {
    await profile.dispose();
  }
});
