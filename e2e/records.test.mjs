// Issue 14: the committee's records. The pledge (廉政承诺书): the template's version is in force;
// cadres and key-post holders must sign it; recording a signature shrinks the "not signed"
// list; a revised text is a new version that everyone signs again; it prints on A4 alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Profile, eventually, expectCount, expectText } from './harness.mjs';
import { App } from './fixtures/app.mjs';

test('a pledge is signed, the not-signed list shrinks, and a revision asks everyone again', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '高桥小学' });
    await app.iAm('王家福');
    await app.goto('org');
    await app.addPerson('陈继荣', { title: '副校长', cadre: true });
    await app.addPerson('朱忠云', { title: '会计' });
    // 朱忠云 holds the key post 会计.
    await app.row('post', '会计').getByTestId('post-edit').click();
    await app.id('post-holders').getByRole('checkbox', { name: '朱忠云' }).check();
    await app.id('post-save').click();
    await expectText(app.row('post', '会计'), '朱忠云');

    await app.goto('pledges');
    await expectText(app.id('pledge-current'), '自觉廉洁从教');
    await expectCount(app.id('pledge-unsigned-row'), 2);
    await expectText(app.id('pledge-unsigned-title'), '未签署：2人');
    const zhu = app.row('pledge-unsigned', '朱忠云');
    await zhu.getByTestId('pledge-sign-date').fill('2026-11-30');
    await zhu.getByTestId('pledge-sign').click();
    await expectText(app.id('pledge-notice'), '已登记签署');
    await expectCount(app.id('pledge-unsigned-row'), 1);
    await expectText(app.id('pledge-signed-row'), '2026-11-30');
    await expectText(app.id('pledge-signed-row'), '王家福');

    // 重点对象: the template's four key posts all lack something; 会计's holder has signed.
    await expectCount(app.id('coverage-row'), 4);
    const accountant = app.row('coverage', '会计');
    await expectText(accountant, '风险点');
    assert.doesNotMatch(await accountant.innerText(), /廉政承诺书签署|在岗人员/);
    await expectText(app.row('coverage', '学校领导'), '在岗人员');
    await app.goto('dashboard');
    await expectText(app.id('count-key-gaps'), '4');
    await expectText(app.id('count-not-signed'), '1');
    await app.goto('pledges');

    // On paper: only the pledge, with the unit's name and the signature line.
    await app.page.emulateMedia({ media: 'print' });
    await expectText(app.id('pledge-sheet'), '高桥小学党员干部廉政承诺书');
    await expectText(app.id('pledge-sheet'), '承诺人：');
    assert.equal(await app.id('pledge-unsigned-title').isVisible(), false);
    await app.page.emulateMedia({ media: 'screen' });
    assert.equal(await app.id('pledge-sheet').isVisible(), false);

    // A revision: version 2 is in force and both must sign again; version 1 keeps its signature.
    await app.id('pledge-new-version').locator('summary').click();
    await app.id('pledge-text').fill('为严格执行廉洁自律各项规定，我承诺：\n1.不收受学生家长礼金。');
    await app.id('pledge-save').click();
    await expectText(app.id('pledge-current'), '第2版');
    await expectCount(app.id('pledge-unsigned-row'), 2);
    await expectText(app.id('pledge-versions'), '第1版');
    await expectText(app.id('pledge-versions'), '1人签署');
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

test('a duty card goes through its four steps with two members and into the ledger', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '高桥小学' });
    await app.iAm('王家福');
    await app.goto('org');
    await app.setLeader('王家福');
    await app.addPerson('朱忠云', { title: '会计', cadre: true });

    // 个人填报: 朱忠云 fills in her card and sends it on.
    await app.switchTo('朱忠云');
    await app.goto('cards');
    await app.id('card-person').selectOption({ label: '朱忠云' });
    await app.id('card-year').fill('2026');
    await app.id('card-duties').fill('会计核算\n报销审核');
    await app.id('card-tasks').fill('严格执行财务审核制度');
    await app.id('card-conduct').fill('不做假账，不公款私存');
    await app.id('card-save').click();
    await app.row('card', '朱忠云').getByTestId('card-link').click();
    await expectText(app.id('card-stage'), '个人填报');
    await app.id('card-submit').click();
    await expectText(app.id('card-stage'), '领导审核');
    // She cannot pass her own card.
    await app.id('card-pass').click();
    await expectText(app.id('card-notice'), '只有本人所在部门的负责人');

    // 王家福, the leading group's leader: checks it, records the appraisal, approves it.
    await app.switchTo('王家福');
    await app.id('card-pass').click();
    await expectText(app.id('card-stage'), '集中评议');
    await app.id('card-pass').click();
    await expectText(app.id('card-notice'), '请填写意见');
    await app.id('card-remarks').fill('经集中评议，同意');
    await app.id('card-pass').click();
    await expectText(app.id('card-stage'), '领导小组审批');
    await app.id('card-pass').click();
    await expectText(app.id('card-stage'), '已审批');
    await expectCount(app.id('card-step'), 4);
    const trail = await app.id('card-step').allInnerTexts();
    assert.ok(trail[0].includes('朱忠云') && trail[3].includes('王家福'), trail.join(' | '));

    await app.goto('cards');
    await expectCount(app.id('card-ledger-row'), 1);
    await expectText(app.id('card-ledger-row'), '严格执行财务审核制度');
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

test('a meeting where the principal leader spoke first is flagged, and the corrected record is not', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '高桥小学' });
    await app.iAm('王家福');
    await app.goto('org');
    await app.setLeader('王家福');
    await app.addPerson('李明', { title: '副校长', cadre: true });
    await app.addPerson('朱忠云', { title: '会计' });

    // The template's bodies are there; 王家福 chairs the 校务会.
    await app.goto('meetings');
    await expectCount(app.id('body-row'), 3);
    await app.row('body', '校务会').getByTestId('body-edit').click();
    await app.id('body-chair').selectOption({ label: '王家福' });
    await app.id('body-save').click();
    await expectText(app.row('body', '校务会'), '王家福');

    // 王家福 spoke first on a building job of 80,000 yuan, neither reviewed nor tendered.
    await app.id('meeting-body').selectOption({ label: '校务会' });
    await app.id('meeting-date').fill('2026-12-02');
    await app.id('meeting-matter').selectOption({ label: '大额资金使用' });
    await app.id('meeting-topic').fill('教学楼维修');
    for (const name of ['王家福', '李明', '朱忠云']) {
      await app.id('meeting-attendees').getByRole('checkbox', { name }).check();
      await app.id('meeting-speakers-add').selectOption({ label: name });
      await app.id('meeting-speakers-add-button').click();
    }
    await expectCount(app.id('meeting-speakers-item'), 3);
    await app.id('meeting-decision').fill('同意维修');
    await app.id('meeting-votes_for').fill('3');
    await app.id('meeting-spending').selectOption({ label: '基建维修' });
    await app.id('meeting-amount').fill('80000');
    await app.id('meeting-save').click();
    const flagged = app.id('meeting-flag-row');
    await expectCount(flagged, 1);
    await expectText(flagged, '主要领导未末位表态');
    await expectText(flagged, '大额支出未经民主理财小组审核');
    await expectText(flagged, '超过招标起点未招标');

    // Corrected by keyboard alone: 王家福 moved to the end of the order, the tender ticked.
    await app.row('meeting', '教学楼维修').getByTestId('meeting-edit').click();
    const first = app.id('meeting-speakers-item').first();
    await expectText(first, '王家福');
    await first.getByRole('button', { name: '下移' }).focus();
    await app.page.keyboard.press('Enter');
    await app.id('meeting-speakers-item').nth(1).getByRole('button', { name: '下移' }).focus();
    await app.page.keyboard.press('Enter');
    await expectText(app.id('meeting-speakers-item').last(), '王家福');
    await app.id('meeting-tendered').check();
    await app.id('meeting-save').click();
    await eventually(async () => assert.doesNotMatch(await flagged.innerText(), /末位表态|招标/));
    await expectText(flagged, '大额支出未经民主理财小组审核');

    // The record: the order with the principal leader marked, the procedure a step at a time.
    await app.row('meeting', '教学楼维修').getByTestId('meeting-link').click();
    await expectText(app.id('meeting-order'), '主要领导');
    const order = await app.id('meeting-order').locator('li').allInnerTexts();
    assert.deepEqual(order.map((t) => t.slice(0, 2)), ['李明', '朱忠', '王家']);
    await expectText(app.id('procedure').locator('[aria-current="step"]'), '议题研究');
    await app.id('procedure-remarks').fill('总务处提出维修方案');
    await app.id('procedure-next').click();
    await expectText(app.id('procedure').locator('[aria-current="step"]'), '征求意见');
    await expectText(app.id('procedure-step'), '总务处提出维修方案');

    // On paper: the record alone.
    await app.page.emulateMedia({ media: 'print' });
    await expectText(app.id('meeting-record'), '高桥小学会议记录');
    assert.equal(await app.id('procedure-next').isVisible(), false);
    await app.page.emulateMedia({ media: 'screen' });
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

test('a phase is done when its tasks are, an overdue task is flagged, and the “4有” tick with evidence', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '高桥小学' });
    await app.iAm('王家福');
    await app.goto('plan');
    // Each line of the template's main tasks is a task, and the first phase's four “4有” tasks.
    await expectCount(app.id('timeline-phase'), 6);
    const first = app.id('phase-progress-row').first();
    await expectText(first, '组织动员');
    await expectText(first, '已完成0/6项');
    assert.equal(await app.id('timeline-today').count(), 1);
    await expectCount(app.id('four-have-item').and(app.page.locator('[data-done="true"]')), 0);

    // A task past its time limit is overdue.
    const task = app.row('task', '召开支委会');
    await task.getByTestId('task-edit').click();
    await app.id('task-due').fill('2026-01-05');
    await app.id('task-save').click();
    await expectText(app.row('task', '召开支委会'), '逾期未完成');

    // Doing every task of the first phase completes it; the “4有” tick only with evidence.
    const ids = await app.row('task', '组织动员').evaluateAll((rows) => rows.map((r) => r.dataset.id));
    assert.equal(ids.length, 6);
    for (const id of ids) {
      await app.page.locator(`[data-testid="task-row"][data-id="${id}"]`).getByTestId('task-edit').click();
      await app.id('task-done').fill('2026-11-20');
      if ((await app.id('task-four').inputValue()) !== '') await app.id('task-reference').fill('学习材料汇编');
      await app.id('task-save').click();
      await expectText(app.page.locator(`[data-testid="task-row"][data-id="${id}"]`), '2026-11-20完成');
    }
    await expectText(first, '已完成6/6项');
    assert.equal(await first.getAttribute('data-complete'), 'true');
    await expectCount(app.page.locator('[data-testid="four-have-item"][data-done="true"]'), 4);
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

test('the summary is drafted, frozen and filed, and the filing reads the same after a later edit', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '高桥小学' });
    await app.iAm('王家福');
    await app.goto('funds');
    await app.id('fund-check-fund').selectOption({ label: '生均公用经费' });
    await app.id('fund-check-findings').fill('');
    await app.id('fund-check-save').click();
    await expectText(app.id('fund-check-notice'), '已登记检查');
    await expectText(app.id('fund-coverage'), '已检查资金1/5项');

    // Drafted from the register: it states what the register holds.
    await app.goto('summary');
    await app.id('summary-draft').click();
    await expectText(app.id('summary-text'), '纳入监管的资金5项，已检查1项');
    await app.id('summary-freeze').click();
    const banner = app.id('filing-banner');
    await expectText(banner, '只读');
    const filingUrl = app.page.url();
    await expectText(app.id('packet-contents'), '资金监管');
    const before = await app.id('packet').innerText();
    assert.match(before, /生均公用经费/);

    // A later edit: a second check and a new person. The register moves on; the filing does not.
    await app.goto('funds');
    await app.id('fund-check-fund').selectOption({ label: '教师绩效工资资金' });
    await app.id('fund-check-save').click();
    await expectText(app.id('fund-coverage'), '已检查资金2/5项');
    await app.goto('summary');
    await expectCount(app.id('filing-row'), 1);
    await expectText(app.row('summary', '自评总结'), '定稿');
    await app.page.goto(filingUrl);
    await expectText(app.id('filing-banner'), '只读');
    await eventually(async () => assert.equal(await app.id('packet').innerText(), before));

    // The packet prints: a contents page, then each record on its own page.
    await app.page.emulateMedia({ media: 'print' });
    assert.equal(await app.id('packet-print').isVisible(), false);
    const sections = await app.id('packet-section').count();
    assert.ok(sections >= 10, `${sections} sections`);
    const breaks = await app.id('packet-section').first().evaluate((s) => getComputedStyle(s).breakBefore);
    assert.equal(breaks, 'page');
    // The pages as the printer gets them: the cover with its contents, then a page or more each.
    const pdf = (await app.page.pdf({ format: 'A4' })).toString('latin1');
    const pages = (pdf.match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.ok(pages >= sections + 1, `${pages} pages for ${sections} sections`);
    const shots = process.env.SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'qingfeng-packet-'));
    await app.id('packet').locator('.packet-cover').screenshot({ path: join(shots, 'packet-cover.png') });
    await app.id('packet-section').nth(7).screenshot({ path: join(shots, 'packet-funds.png') });
    await app.page.emulateMedia({ media: 'screen' });
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});
