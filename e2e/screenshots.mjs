// Takes screenshots of the main pages in both languages, for a person to look at:
//   node e2e/screenshots.mjs [out-dir]   (the app served at QINGFENG_URL)
import { mkdirSync } from 'node:fs';
import { Profile } from './harness.mjs';
import { App } from './fixtures/app.mjs';

const out = process.argv[2] ?? 'target/screenshots';
mkdirSync(out, { recursive: true });
const profile = new Profile();
const page = await profile.open();
const app = new App(page);
await app.createRegister({ name: '高桥小学', superior: '沙洋县教育局', hotline: '8573065' });
await app.goto('org');
for (const [name, title] of [['王家福', '校长'], ['朱忠云', '会计'], ['陈继荣', '副校长'], ['黄军华', '总务主任']]) {
  await app.addPerson(name, { title });
}
await app.setDepartment('财务室', { head: '朱忠云', leader: '陈继荣' });
await app.setDepartment('总务处', { head: '黄军华', leader: '陈继荣' });
await app.setLeader('王家福');
await app.addRisk({ scope: 'department', department: '总务处', kind: '岗位职责风险', level: '1', powerItem: '基建维修', description: '五万元以上工程未经招标，分段验收不严，未验收先付款', manifestations: '化整为零规避招标', causes: '“一把手”直接分管基建' });
await app.addRisk({ post: '财务室 · 会计', kind: '制度机制风险', level: '2', powerItem: '财务报销', description: '大额支出未经民主理财小组审核' });
await app.addRisk({ post: '食堂 · 食堂采买', kind: '岗位职责风险', level: '2', powerItem: '食品采购', description: '采购食品以次充好、收受回扣' });
await app.addRisk({ scope: 'unit', kind: '思想道德风险', level: '3', description: '理想信念淡化，廉洁自律意识不强' });
// 预警处置: a complaint (anonymous), a warning from it, disposed.
await app.goto('warnings');
await app.id('add-complaint').click();
await app.id('complaint-person').selectOption({ label: '朱忠云' });
await app.id('complaint-content').fill('报销审核不严，存在先支付后补签的情况');
await app.id('complaint-save').click();
await app.id('complaint-notice').waitFor();
await app.goto('warnings');
await app.id('complaint-raise').click();
await app.id('warning-level').selectOption('2');
await app.id('warning-save').click();
await app.id('case-next').waitFor();
await app.id('step-measures').locator('select').first().selectOption({ label: '诫勉谈话' });
await app.id('step-measures').locator('select').nth(1).selectOption({ label: '陈继荣' });
await app.id('step-dispose').click();
await app.id('step-notice').waitFor();
const casePath = new URL(page.url()).pathname;
// A second case, closed, for the 通报; and a major matter reported ahead.
await app.goto('warnings');
await app.id('add-warning').click();
await app.id('warning-level').selectOption('3');
await app.id('warning-target_id').selectOption({ label: '陈继荣' });
await app.id('warning-problem').fill('陈继荣经手的办公用品采购未按规定比价');
await app.id('warning-save').click();
for (const [kind, text] of [['dispose', ''], ['answer', '已补做三家比价并公示'], ['accept', '']]) {
  await app.id(`step-${kind}`).waitFor();
  if (kind === 'dispose') await app.id('step-measures').locator('select').first().selectOption({ label: '批评教育' });
  if (text) await app.id('step-text').fill(text);
  await app.id(`step-${kind}`).click();
  await page.waitForTimeout(300);
}
await app.goto('warnings');
await app.id('open-matters').click();
await app.id('matter-kind').selectOption('project');
await app.id('matter-topic').fill('教学楼屋面防水维修工程');
await app.id('matter-person').selectOption({ label: '朱忠云' });
const ahead = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
await app.id('matter-reported').fill(ahead(0));
await app.id('matter-planned').fill(ahead(10));
await app.id('matter-reminders').fill('工程款在竣工验收合格后支付，预留质量保证金');
await app.id('matter-save').click();
await app.id('matter-row').first().waitFor();
// 三重一大: the 校务会 chaired by 王家福 decides a repair job; he spoke first, and it was not tendered.
await app.goto('meetings');
await app.row('body', '校务会').getByTestId('body-edit').click();
await app.id('body-chair').selectOption({ label: '王家福' });
await app.id('body-save').click();
await app.id('meeting-body').selectOption({ label: '校务会' });
await app.id('meeting-date').fill(ahead(-3));
await app.id('meeting-matter').selectOption('project');
await app.id('meeting-topic').fill('教学楼屋面防水维修工程');
for (const name of ['王家福', '陈继荣', '朱忠云', '黄军华']) {
  await app.id('meeting-attendees').getByRole('checkbox', { name }).check();
  await app.id('meeting-speakers-add').selectOption({ label: name });
  await app.id('meeting-speakers-add-button').click();
}
await app.id('meeting-decision').fill('同意实施屋面防水维修，由总务处组织，竣工验收合格后付款');
await app.id('meeting-votes_for').fill('4');
await app.id('meeting-spending').selectOption('building');
await app.id('meeting-amount').fill('68000');
await app.id('meeting-save').click();
await app.id('meeting-flag-row').waitFor();
// 资金监管, 制度, 廉政教育, 廉政评议: a check, a rule in force, a party lesson, a score below the mark.
await app.goto('funds');
await app.id('fund-check-fund').selectOption({ label: '生均公用经费' });
await app.id('fund-check-checker').selectOption({ label: '陈继荣' });
await app.id('fund-check-save').click();
await app.id('fund-check-row').first().waitFor();
await app.goto('rules');
await app.row('rule', '校务会记录制度').getByTestId('rule-edit').click();
await app.id('rule-status').selectOption('in_force');
await app.id('rule-in_force').fill(ahead(-60));
await app.id('rule-save').click();
await app.id('activity-date').fill(ahead(-20));
await app.id('activity-kind').selectOption('party_lesson');
await app.id('activity-title').fill('廉政党课：守住底线，廉洁从教');
await app.id('activity-headcount').fill('46');
await app.id('activity-save').click();
await app.id('activity-row').first().waitFor();
await app.goto('evaluations');
await app.id('evaluation-person').selectOption({ label: '黄军华' });
await app.id('evaluation-year').fill(String(new Date().getFullYear()));
for (const [field, score] of [['own', '85'], ['peers', '76'], ['leaders', '78']]) await app.id(`evaluation-${field}`).fill(score);
await app.id('evaluation-save').click();
await app.id('talk-due-row').waitFor();
// 总结归档: a draft summary, made final; the register filed.
await app.goto('summary');
await app.id('summary-draft').click();
await app.id('summary-freeze').click();
await app.id('filing-banner').waitFor();
for (const locale of ['zh-CN', 'en']) {
  await app.id('lang-switch').selectOption(locale);
  await app.goto('risks');
  await app.id('risk-row').first().waitFor();
  await page.screenshot({ path: `${out}/risks-${locale}.png`, fullPage: true });
  await app.id('risk-row-link').first().click();
  await app.id('accountable').waitFor();
  await page.screenshot({ path: `${out}/risk-${locale}.png`, fullPage: true });
  await app.goto('dashboard');
  await page.screenshot({ path: `${out}/dashboard-${locale}.png`, fullPage: true });
  await app.goto('org');
  await page.screenshot({ path: `${out}/org-${locale}.png`, fullPage: true });
  await app.id('staff-file').setInputFiles('e2e/fixtures/staff.xlsx');
  await app.id('staff-summary').waitFor();
  await app.id('staff-import').screenshot({ path: `${out}/staff-import-${locale}.png` });
  await app.id('staff-cancel').click();
  await app.goto('help');
  await app.id('help').waitFor();
  await page.screenshot({ path: `${out}/help-${locale}.png`, fullPage: true });
  await page.goBack();
  await app.goto('warnings');
  await app.id('case-card').first().waitFor();
  await page.screenshot({ path: `${out}/warnings-${locale}.png`, fullPage: true });
  await page.goto(`${page.url().split('/r/')[0]}${casePath}`);
  await app.id('case-timeline').waitFor();
  await page.screenshot({ path: `${out}/case-${locale}.png`, fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: `${out}/notice-print-${locale}.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await app.goto('warnings');
  await app.id('complaint-link').first().click();
  await app.id('complaint-form').waitFor();
  await page.screenshot({ path: `${out}/complaint-${locale}.png`, fullPage: true });
  await app.goto('warnings');
  await app.id('open-bulletin').click();
  await app.id('bulletin-choose').first().check();
  await app.id('bulletin-sheet').waitFor();
  await page.screenshot({ path: `${out}/bulletin-${locale}.png`, fullPage: true });
  await app.goto('warnings');
  await app.id('open-matters').click();
  await app.id('matter-link').first().click();
  await app.id('matter-card').waitFor();
  await page.screenshot({ path: `${out}/matter-card-${locale}.png`, fullPage: true });
  await app.goto('warnings');
  await app.id('open-matters').click();
  await app.id('matter-row').first().waitFor();
  await page.screenshot({ path: `${out}/matters-${locale}.png`, fullPage: true });
  for (const section of ['records', 'plan', 'funds', 'rules', 'evaluations', 'summary']) {
    await app.goto(section);
    await page.locator('main h1').first().waitFor();
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${out}/${section}-${locale}.png`, fullPage: true });
  }
  await app.id('filing-row').locator('a').first().click();
  await app.id('packet-contents').waitFor();
  await page.screenshot({ path: `${out}/filing-${locale}.png`, fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: `${out}/packet-print-${locale}.png`, fullPage: true });
  await page.pdf?.({ path: `${out}/packet-${locale}.pdf`, format: 'A4' }).catch(() => {});
  await page.emulateMedia({ media: 'screen' });
  await app.goto('meetings');
  await app.id('meeting-row').first().waitFor();
  await page.screenshot({ path: `${out}/meetings-${locale}.png`, fullPage: true });
  await app.id('meeting-link').first().click();
  await app.id('meeting-record').waitFor();
  await page.screenshot({ path: `${out}/meeting-${locale}.png`, fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: `${out}/meeting-print-${locale}.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  // 权力运行流程图: the list, the 三重一大 chart with a step chosen, and the chart on A4.
  await app.goto('charts');
  await page.screenshot({ path: `${out}/charts-${locale}.png`, fullPage: true });
  await app.id('chart-link').first().click();
  await app.id('chart-canvas').locator('[data-node]').nth(5).click();
  await page.screenshot({ path: `${out}/chart-${locale}.png`, fullPage: true });
  await page.setViewportSize({ width: 703, height: 1032 });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: `${out}/chart-a4-${locale}.png` });
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await app.goto('warnings');
  await app.id('case-settings').locator('summary').click();
  await page.screenshot({ path: `${out}/warning-settings-${locale}.png`, fullPage: true });
}
// A phone, and an opening painted from the view copy while the document loads (slowed down).
await app.id('lang-switch').selectOption('zh-CN');
await page.setViewportSize({ width: 390, height: 844 });
await app.goto('risks');
await app.id('risk-row').first().waitFor();
await page.screenshot({ path: `${out}/risks-zh-CN-390.png`, fullPage: true });
await app.goto('warnings');
await app.id('case-card').first().waitFor();
await page.screenshot({ path: `${out}/warnings-zh-CN-390.png`, fullPage: true });
await app.id('menu-toggle').click();
await page.screenshot({ path: `${out}/menu-zh-CN-390.png` });
await app.id('menu-toggle').click();
await app.goto('dashboard');
await page.screenshot({ path: `${out}/dashboard-zh-CN-390.png`, fullPage: true });
await app.goto('meetings');
await app.id('meeting-row').first().waitFor();
await page.screenshot({ path: `${out}/meetings-zh-CN-390.png`, fullPage: true });
for (const section of ['records', 'plan', 'evaluations', 'charts']) {
  await app.goto(section);
  await page.locator('main h1').first().waitFor();
  await page.screenshot({ path: `${out}/${section}-zh-CN-390.png`, fullPage: true });
}
await page.setViewportSize({ width: 1280, height: 900 });
await page.waitForTimeout(4000);
await page.evaluate(() => localStorage.setItem('qingfeng.test.open_delay_ms', '3000'));
await page.reload();
await app.id('updating').waitFor();
await page.screenshot({ path: `${out}/risks-updating-zh-CN.png` });
await page.evaluate(() => localStorage.removeItem('qingfeng.test.open_delay_ms'));
await profile.dispose();
console.log(`screenshots in ${out}`);
