// Issue 13: a complaint comes in with a reporter's name, sealed with the committee's
// passphrase; a warning is raised from it and disposed; its written answer is overdue, then
// given, sent back once and accepted; the notice prints without the reporter; a second member
// who imported the file without the passphrase sees the case but never the name. A spot check
// recorded by one member reaches the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Profile, expectCount, expectText, eventually } from './harness.mjs';
import { App } from './fixtures/app.mjs';

const REPORTER = '欧阳举报人';
const CONTACT = '13912345678';
const PASSPHRASE = '高桥小学举报保密';

function daysAgo(n) {
  const d = new Date(Date.now() - n * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

async function step(app, kind, { text = '', measure, date } = {}) {
  if (date) await app.id('step-date').fill(date);
  if (measure) await app.id('step-measures').locator('select').first().selectOption({ label: measure });
  if (text) await app.id('step-text').fill(text);
  await app.id(`step-${kind}`).click();
  await expectText(app.id('step-notice'), '已登记');
}

test('a complaint becomes a warning, is disposed and answered, and the reporter stays sealed', async () => {
  const files = mkdtempSync(join(tmpdir(), 'qingfeng-files-'));
  const wangProfile = new Profile();
  const zhuProfile = new Profile();
  try {
    const wang = new App(await wangProfile.open());
    await wang.createRegister({ name: '高桥小学', hotline: '0718-8573065' });
    await wang.iAm('王家福');
    await wang.goto('warnings');
    await wang.id('signals-empty').waitFor();

    // The passphrase, set once; losing it is explained.
    await expectText(wang.id('lock-warning'), '无法找回');
    for (const weak of ['短', '12345678', 'password1234']) {
      await wang.id('lock-passphrase').fill(weak);
      await expectText(wang.id('lock-strength'), '至少50位');
      await wang.id('lock-submit').click();
      await expectText(wang.id('lock-notice'), '太容易被猜中');
    }
    await wang.id('lock-passphrase').fill(PASSPHRASE);
    await wang.id('lock-submit').click();
    await expectText(wang.id('lock-notice'), '密码已设置');

    // A complaint by telephone, with the reporter's name.
    await wang.id('add-complaint').click();
    await expectText(wang.id('complaint-hotline'), '0718-8573065');
    await wang.id('complaint-person').selectOption({ label: '王家福' });
    await wang.id('complaint-content').fill('食堂采购价格明显高于市场价');
    await wang.id('complaint-reporter_name').fill(REPORTER);
    await wang.id('complaint-reporter_contact').fill(CONTACT);
    await wang.id('complaint-save').click();
    await expectText(wang.id('complaint-notice'), '已保存');
    await wang.goto('warnings');
    await expectText(wang.id('complaint-reporter'), REPORTER);

    // A warning from it, disposed a month ago: the written answer is overdue.
    await wang.id('complaint-raise').click();
    await eventually(async () => assert.equal(await wang.id('warning-target_id').inputValue() !== '', true));
    await wang.id('warning-level').selectOption('2');
    await wang.id('warning-save').click();
    await wang.id('case-next').waitFor();
    await step(wang, 'dispose', { measure: '批评教育', date: daysAgo(30) });
    await wang.goto('warnings');
    await expectText(wang.id('board-overdue'), '食堂采购');
    await expectText(wang.id('board-overdue'), '已逾期');

    // Answered, sent back once with reasons, answered again and accepted.
    await wang.id('board-overdue').getByTestId('case-card').click();
    await step(wang, 'answer', { text: '已查明原因，采购改为三方比价' });
    await wang.id('step-reject').click();
    await expectText(wang.id('step-notice'), '请按提示修改');
    await step(wang, 'reject', { text: '整改措施不具体' });
    await step(wang, 'answer', { text: '补充：每月公示采购价格' });
    await step(wang, 'accept');
    await wang.id('case-closed').waitFor();
    await eventually(async () => assert.equal(await wang.id('case-timeline').getByTestId('timeline-step').count(), 6));

    // The notice prints alone, without the complaint or its reporter.
    await wang.page.emulateMedia({ media: 'print' });
    assert.ok(await wang.id('notice-sheet').isVisible());
    assert.ok(!(await wang.id('case-next').isVisible()));
    const sheet = await wang.id('notice-sheet').innerText();
    assert.match(sheet, /预警通知书/);
    assert.match(sheet, /二级预警/);
    assert.ok(!sheet.includes(REPORTER) && !sheet.includes(CONTACT));
    await wang.page.emulateMedia({ media: 'screen' });
    await wang.goto('warnings');
    await expectText(wang.id('board-closed'), '食堂采购');

    // A spot check (督查), done three days ago.
    await wang.id('check-risk').selectOption({ index: 1 });
    await wang.id('check-done').fill(daysAgo(3));
    await wang.id('check-what').fill('抽查食堂采购台账和入库单');
    await wang.id('check-save').click();
    await expectText(wang.id('check-section'), '抽查食堂采购台账和入库单');

    // A second member, with the file and without the passphrase.
    const file = await wang.exportFile(files);
    const zhu = new App(await zhuProfile.open());
    await zhu.home();
    await zhu.importFile(file.path);
    await zhu.id('import-open').click();
    await zhu.iAm('朱忠云');
    await zhu.goto('warnings');
    await expectText(zhu.id('board-closed'), '食堂采购');
    await expectText(zhu.id('complaint-reporter'), '已加密');
    await expectText(zhu.id('check-section'), '抽查食堂采购台账和入库单');
    await zhu.id('lock-passphrase').fill('猜一个密码试试看');
    await zhu.id('lock-submit').click();
    await expectText(zhu.id('lock-notice'), '密码不正确');
    const dom = await zhu.page.content();
    assert.ok(!dom.includes(REPORTER) && !dom.includes(CONTACT), 'the name is nowhere in the page');
    // With the passphrase, the name shows.
    await zhu.id('lock-passphrase').fill(PASSPHRASE);
    await zhu.id('lock-submit').click();
    await expectText(zhu.id('complaint-reporter'), REPORTER);

    assert.deepEqual(wangProfile.errors, []);
    assert.deepEqual(zhuProfile.errors, []);
  } finally {
    await wangProfile.dispose();
    await zhuProfile.dispose();
    rmSync(files, { recursive: true, force: true });
  }
});

test('two passphrases set apart are both kept after a merge, and each member is told', async () => {
  const files = mkdtempSync(join(tmpdir(), 'qingfeng-files-'));
  const wangProfile = new Profile();
  const zhuProfile = new Profile();
  try {
    const wang = new App(await wangProfile.open());
    await wang.createRegister({ name: '东山小学' });
    await wang.iAm('王家福');
    const before = await wang.exportFile(files);
    const zhu = new App(await zhuProfile.open());
    await zhu.home();
    await zhu.importFile(before.path);
    await zhu.id('import-open').click();
    await zhu.iAm('朱忠云');

    // Apart, each sets one: 朱 takes a generated passphrase, 王 types his own.
    await zhu.goto('warnings');
    await zhu.id('lock-generate').click();
    const generated = (await zhu.id('lock-generated').locator('strong').innerText()).trim();
    assert.match(generated, /^\p{Script=Han}{3}-\p{Script=Han}{3}$/u);
    await zhu.id('lock-submit').click();
    await expectText(zhu.id('lock-notice'), '密码已设置');
    await wang.goto('warnings');
    await wang.id('lock-passphrase').fill(PASSPHRASE);
    await wang.id('lock-submit').click();
    await expectText(wang.id('lock-notice'), '密码已设置');
    assert.equal(await wang.id('lock-several').count(), 0);

    // 王's file reaches 朱: both locks stay, and 朱 is told who set which.
    const after = await wang.exportFile(files);
    await zhu.goto('sync');
    await zhu.importFile(after.path);
    await zhu.goto('warnings');
    await expectText(zhu.id('lock-several'), '2个举报人信息密码');
    await expectText(zhu.id('lock-several'), '王家福');
    await expectText(zhu.id('lock-several'), '朱忠云');
    // Each passphrase still opens.
    await zhu.id('lock-close').click();
    await zhu.id('lock-passphrase').fill(generated);
    await zhu.id('lock-submit').click();
    await expectText(zhu.id('lock-notice'), '密码正确');
    assert.deepEqual(wangProfile.errors, []);
    assert.deepEqual(zhuProfile.errors, []);
  } finally {
    await wangProfile.dispose();
    await zhuProfile.dispose();
    rmSync(files, { recursive: true, force: true });
  }
});

function daysAhead(n) {
  return daysAgo(-n);
}

test('a spot check raises a warning, closed cases make a 通报 with masked names, a major matter gets its reminder card', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    const page = app.page;
    await app.createRegister({ name: '城关小学' });
    await app.iAm('王家福');
    await app.goto('warnings');
    await app.id('lock-passphrase').fill(PASSPHRASE);
    await app.id('lock-submit').click();
    await expectText(app.id('lock-notice'), '密码已设置');

    // A 督查 finding, raised as a warning in one click: about the risk point checked.
    await app.id('check-risk').selectOption({ index: 1 });
    await app.id('check-done').fill(daysAgo(2));
    await app.id('check-what').fill('抽查食堂采购验收');
    await app.id('check-findings').fill('三笔采购无验收签字');
    await app.id('check-save').click();
    await app.row('check', '抽查食堂采购验收').getByTestId('check-link').click();
    await expectText(app.id('warning-source'), '督查');
    await eventually(async () => assert.equal(await app.id('warning-problem').inputValue(), '三笔采购无验收签字'));
    assert.equal(await app.id('warning-target').inputValue(), 'risk');
    await app.id('warning-level').selectOption('3');
    await app.id('warning-save').click();
    await app.id('case-next').waitFor();
    // No notice before the disposal: it would have no measures and no deadline.
    await app.id('notice-pending').waitFor();
    assert.equal(await app.id('notice-sheet').count(), 0);
    await step(app, 'dispose', { measure: '限期整改' });
    await app.id('notice-sheet').waitFor();
    await step(app, 'answer', { text: '已补签验收单' });
    await step(app, 'accept');

    // A warning to a person, by hand, closed too.
    await app.goto('warnings');
    await app.id('add-warning').click();
    await app.id('warning-level').selectOption('3');
    await app.id('warning-target_id').selectOption({ label: '王家福' });
    await app.id('warning-problem').fill('王家福未按规定公示贫困生补助名单');
    await app.id('warning-save').click();
    await app.id('case-next').waitFor();
    await step(app, 'dispose', { measure: '批评教育' });
    await step(app, 'answer', { text: '已补充公示' });
    await step(app, 'accept');

    // 通报: both cases chosen; the name is masked until it is chosen to be shown.
    await app.goto('warnings');
    await app.id('open-bulletin').click();
    await expectCount(app.id('bulletin-case'), 2);
    for (const box of await app.id('bulletin-choose').all()) await box.check();
    const sheet = app.id('bulletin-sheet');
    await expectText(sheet, '王某某未按规定公示');
    await expectText(sheet, '三笔采购无验收签字');
    assert.ok(!(await sheet.innerText()).includes('王家福'));
    await app.id('bulletin-case').filter({ hasText: '王家福' }).getByTestId('bulletin-name').check();
    await expectText(sheet, '王家福未按规定公示');
    await page.emulateMedia({ media: 'print' });
    assert.ok(await sheet.isVisible());
    assert.ok(!(await app.id('bulletin-print').isVisible()));
    await page.emulateMedia({ media: 'screen' });

    // A major matter reported three days ahead is refused unless urgent with a reason.
    await app.goto('warnings');
    await app.id('open-matters').click();
    await app.id('matter-kind').selectOption('funds');
    await app.id('matter-topic').fill('校舍维修资金使用');
    await app.id('matter-person').selectOption({ label: '王家福' });
    await app.id('matter-reported').fill(daysAgo(0));
    await app.id('matter-planned').fill(daysAhead(3));
    await app.id('matter-save').click();
    await expectText(app.id('matter-section'), '7天前报告');
    await app.id('matter-urgent').check();
    await app.id('matter-save').click();
    await expectText(app.id('matter-section'), '必填');
    await app.id('matter-urgent_reason').fill('汛期前必须完成屋面维修');
    await app.id('matter-save').click();
    await expectText(app.id('matter-notice'), '已保存');
    await expectText(app.row('matter', '校舍维修资金使用'), '紧急');
    await app.row('matter', '校舍维修资金使用').getByTestId('matter-link').click();
    const card = app.id('matter-card');
    await expectText(card, '廉政提醒卡');
    await expectText(card, '校舍维修资金使用');
    await expectText(card, '民主理财小组');

    // A recorded reporter, removed by a member who gave the passphrase.
    await app.goto('warnings');
    await app.id('add-complaint').click();
    await app.id('complaint-content').fill('有人反映补助发放不公');
    await app.id('complaint-reporter_name').fill(REPORTER);
    await app.id('complaint-save').click();
    await expectText(app.id('complaint-notice'), '已保存');
    page.once('dialog', (dialog) => dialog.accept());
    await app.id('complaint-remove-reporter').click();
    await eventually(async () => assert.equal(await app.id('complaint-remove-reporter').count(), 0));
    await app.goto('warnings');
    await expectText(app.row('complaint', '补助发放不公').getByTestId('complaint-reporter'), '匿名');

    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});
