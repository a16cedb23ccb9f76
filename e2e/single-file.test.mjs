// The one-file copy (scripts/single-file.sh → dist-single/qingfeng.html) opened by double-click,
// over file://, with no server: a register is created, edited, kept across a reload and a closed
// browser, followed by back and forward, exported, and imported in another profile; and where the
// browser refuses storage to pages opened from files, the page says so and export still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Profile, eventually, expectCount, expectText } from './harness.mjs';
import { App } from './fixtures/app.mjs';

const FILE = resolve(process.env.QINGFENG_SINGLE ?? 'dist-single/qingfeng.html');

function fileUrl() {
  assert.ok(existsSync(FILE), `${FILE} is missing: scripts/single-file.sh builds it`);
  return pathToFileURL(FILE).href;
}

test('the one-file copy runs from file:// and keeps what is typed', async () => {
  const url = fileUrl();
  const files = mkdtempSync(join(tmpdir(), 'qingfeng-single-'));
  const usb = new Profile();
  const other = new Profile();
  try {
    let app = new App(await usb.open(), url);
    const id = await app.createRegister({ name: '优盘小学' });
    assert.equal(app.route(), `/r/${id}`);
    await app.goto('org');
    await app.addPerson('姚小勤', { title: '出纳' });
    await app.addRisk({ scope: 'department', department: '财务室', kind: '制度机制风险', level: '2', description: '现金管理不规范' });
    await app.saved();
    // The route is in the fragment, so a reload opens the same page of the same register.
    const route = app.route();
    assert.match(route, new RegExp(`^/r/${id}/risks/[0-9a-f-]{36}$`));
    await app.page.reload();
    await expectText(app.page.locator('body'), '现金管理不规范');
    assert.equal(app.route(), route);
    // Back and forward follow the fragment.
    await app.goto('org');
    await app.row('person', '姚小勤').waitFor();
    await app.page.goBack();
    await eventually(() => assert.equal(app.route(), route));
    await app.page.goForward();
    await app.row('person', '姚小勤').waitFor();

    // A closed browser reopens the file with the register in its storage.
    await usb.close();
    app = new App(await usb.open(), url);
    await app.home();
    await expectText(app.id('register-list'), '优盘小学');
    await app.id('register-item').getByRole('link').click();
    await app.goto('risks');
    await expectText(app.id('risk-row'), '现金管理不规范');

    // Export works there, and the file opens in another profile's copy.
    const exported = await app.exportFile(files);
    const theirs = new App(await other.open(), url);
    await theirs.home();
    assert.match(await theirs.importFile(exported.path), /已添加新台账“优盘小学”/);
    await expectText(theirs.id('register-list'), '优盘小学');
    await theirs.id('register-item').getByRole('link').click();
    await theirs.goto('org');
    await expectCount(theirs.id('person-row'), 1);
    assert.deepEqual(usb.errors, []);
    assert.deepEqual(other.errors, []);
  } finally {
    await usb.dispose();
    await other.dispose();
    rmSync(files, { recursive: true, force: true });
  }
});

test('where storage is refused to a file, the page says so and export still works', async () => {
  const url = fileUrl();
  const files = mkdtempSync(join(tmpdir(), 'qingfeng-single-'));
  const locked = new Profile();
  const other = new Profile();
  // Chromium's "block all site data" setting, as on a locked-down computer.
  mkdirSync(join(locked.dir, 'Default'), { recursive: true });
  writeFileSync(join(locked.dir, 'Default', 'Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
  try {
    const app = new App(await locked.open(), url);
    await app.createRegister({ name: '锁定小学' });
    await app.goto('org');
    await app.addPerson('朱忠云', { title: '会计' });
    await expectText(app.id('save-status'), '此浏览器不允许从本机文件打开的页面保存数据');
    const exported = await app.exportFile(files);
    await expectText(app.id('storage-state'), '导出台账文件');

    const theirs = new App(await other.open(), url);
    await theirs.home();
    assert.match(await theirs.importFile(exported.path), /已添加新台账“锁定小学”/);
    await theirs.id('register-item').getByRole('link').click();
    await theirs.goto('org');
    await theirs.row('person', '朱忠云').waitFor();
  } finally {
    await locked.dispose();
    await other.dispose();
    rmSync(files, { recursive: true, force: true });
  }
});
