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
await app.addPost('会计', { department: '财务室', rank: '股级', duties: '财务报销审核\n资金支付' });
await app.addPost('食堂采买', { department: '食堂' });
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
await page.setViewportSize({ width: 1280, height: 900 });
await page.waitForTimeout(4000);
await page.evaluate(() => localStorage.setItem('qingfeng.test.open_delay_ms', '3000'));
await page.reload();
await app.id('updating').waitFor();
await page.screenshot({ path: `${out}/risks-updating-zh-CN.png` });
await page.evaluate(() => localStorage.removeItem('qingfeng.test.open_delay_ms'));
await profile.dispose();
console.log(`screenshots in ${out}`);
