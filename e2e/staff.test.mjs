// Issue 12: the staff list a school keeps in WPS or Excel is imported: 60 rows with 2 bad ones
// and 1 repeated name, from .xlsx, from UTF-8 .csv with a BOM and from GBK .csv; nothing is
// written before the member confirms, and importing the same list again adds nobody.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Profile, expectCount, expectText, eventually } from './harness.mjs';
import { App } from './fixtures/app.mjs';

async function choose(app, file) {
  await app.id('staff-file').setInputFiles(`e2e/fixtures/${file}`);
  await app.id('staff-summary').waitFor();
}

test('a staff list is previewed, checked and imported once, from xlsx and from csv in UTF-8 or GBK', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '导入小学' });
    await app.iAm('王家福');
    await app.goto('org');
    const people = () => app.id('person-row').count();
    const before = await people();

    // The .xlsx: columns matched by their headers, every row shown, nothing written yet.
    await choose(app, 'staff.xlsx');
    assert.equal(await app.id('staff-column-name').locator('option:checked').innerText(), '姓名');
    assert.equal(await app.id('staff-column-department').locator('option:checked').innerText(), '部门');
    await expectText(app.id('staff-summary'), '可导入57人；重复1人；有错误2行');
    await expectCount(app.id('staff-row'), 60);
    await expectText(app.id('staff-row').filter({ hasText: '后勤处' }), '台账中没有“后勤处”这个部门');
    await expectText(app.id('staff-row').nth(9), '缺少姓名');
    await expectText(app.id('staff-row').nth(29), '与第6行重复');
    assert.equal(await people(), before);

    // A column chosen by hand: without the name column every row lacks a name.
    await app.id('staff-column-name').selectOption('');
    await expectText(app.id('staff-summary'), '可导入0人');
    assert.ok(await app.id('staff-confirm').isDisabled());
    await app.id('staff-column-name').selectOption({ label: '姓名' });
    await expectText(app.id('staff-summary'), '可导入57人');

    await app.id('staff-confirm').click();
    await expectText(app.id('staff-notice'), '已导入57人，新建岗位5个');
    await eventually(async () => assert.equal(await people(), before + 57));
    await app.row('post', '任课教师').first().waitFor();
    await app.saved();

    // The same list as GBK CSV, as WPS writes it: everyone is already there.
    await choose(app, 'staff-gbk.csv');
    await expectText(app.id('staff-summary'), '可导入0人；重复58人；有错误2行');
    await expectText(app.id('staff-row').first(), '王建国');
    await app.id('staff-cancel').click();

    // A file that is not a staff list.
    await app.id('staff-file').setInputFiles({ name: '名单.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK\x03\x04 not a workbook') });
    await expectText(app.id('staff-notice'), '无法读取这个文件');
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }

  // UTF-8 CSV with a byte-order mark, in another browser.
  const other = new Profile();
  try {
    const app = new App(await other.open());
    await app.createRegister({ name: '导入二小' });
    await app.iAm('王家福');
    await app.goto('org');
    await choose(app, 'staff-utf8.csv');
    await expectText(app.id('staff-summary'), '可导入57人；重复1人；有错误2行');
    await app.id('staff-confirm').click();
    await expectText(app.id('staff-notice'), '已导入57人');
    assert.deepEqual(other.errors, []);
  } finally {
    await other.dispose();
  }
});
