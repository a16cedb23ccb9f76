// Issue 4: one risk point from 自己查 to 组织审 by several members, rated, controlled,
// publicised, and in the catalogue: printed, and downloaded as CSV and XLSX.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Profile, expectCount, expectText, eventually } from './harness.mjs';
import { App } from './fixtures/app.mjs';

function day(offset) {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

test('a risk point goes from self-check to the catalogue', async () => {
  const files = mkdtempSync(join(tmpdir(), 'qingfeng-lifecycle-'));
  const profile = new Profile();
  try {
    const page = await profile.open();
    const app = new App(page);
    await app.createRegister({ name: '高桥小学', superior: '沙洋县教育局', hotline: '8573065' });
    await app.iAm('王家福');
    await app.goto('org');
    await app.addPerson('朱忠云', { title: '财务室主任' });
    await app.addPerson('姚小勤', { title: '会计' });
    await app.setLeader('王家福');
    await app.setDepartment('财务室', { head: '朱忠云', leader: '王家福' });

    // 自己查: the accountant proposes the point and hands it to colleagues.
    await app.switchTo('姚小勤');
    await app.addRisk({ scope: 'department', department: '财务室', kind: '岗位职责风险', level: '3', powerItem: '财务报销', description: '大额支出未经民主理财小组审核' });
    await expectText(app.id('review-stage'), '自己查');
    await app.review('submit', '请大家帮查');
    await expectText(app.id('review-stage'), '群众帮');
    // 群众帮: a remark, then on to the leaders.
    await app.review('remark', '还应包括报销单据的审核');
    await app.review('advance');
    await expectText(app.id('review-stage'), '领导提');
    // Only a department leader may send it to the leading group.
    await app.review('advance');
    await expectText(app.id('review-notice'), '只有部门负责人');
    await expectText(app.id('review-stage'), '领导提');

    // 领导提: the department head sends it on.
    await app.switchTo('朱忠云');
    await app.review('advance', '同意，报领导小组审定');
    await expectText(app.id('review-stage'), '组织审');
    await app.review('approve');
    await expectText(app.id('review-notice'), '只有领导小组成员');

    // 组织审: the principal leader rates and approves it.
    await app.switchTo('王家福');
    await app.id('rating-likelihood').selectOption('3');
    await app.id('rating-severity').selectOption('4');
    await expectText(app.id('rating-proposal'), '一级');
    await app.id('rating-save').click();
    await expectText(app.id('rating-notice'), '一级');
    assert.equal(await app.id('risk-level').inputValue(), '1');
    await expectText(app.id('duty-principal_leader'), '王家福');
    await app.review('approve', '审定通过');
    await expectText(app.id('review-stage'), '已审定');
    const trail = await app.id('review-entry').allInnerTexts();
    for (const who of ['姚小勤', '朱忠云', '王家福']) assert.ok(trail.some((t) => t.includes(who)), `${who} in ${trail.join(' | ')}`);

    // Measures in three stages; one is late.
    const addMeasure = async (stage, description, due, status) => {
      await app.id('measure-stage').selectOption(stage);
      await app.id('measure-owner').selectOption({ label: '朱忠云' });
      await app.id('measure-due').fill(due);
      await app.id('measure-status').selectOption(status);
      await app.id('measure-description').fill(description);
      await app.id('measure-save').click();
      await app.row('measure', description).waitFor();
    };
    await addMeasure('prevent', '大额支出须经民主理财小组审核', day(30), 'in_progress');
    await addMeasure('monitor', '每学期公开财务收支', day(-3), 'planned');
    await addMeasure('handle', '违规支出追回并追究责任', day(60), 'planned');
    await expectText(app.row('measure', '每学期公开财务收支'), '逾期');
    // 动态管理: measures added after approval send the point back to the leading group, with the
    // approved version kept in force until it approves them.
    await expectText(app.id('review-stage'), '组织审');
    await app.id('review-amended').waitFor();
    await app.id('approved-version').waitFor();
    await app.review('approve', '同意增加的防控措施');
    await expectText(app.id('review-stage'), '已审定');
    await expectCount(app.id('review-amended'), 0);
    await app.goto('risks');
    await app.id('risk-row-overdue').waitFor();
    await app.goto('dashboard');
    await expectText(app.id('count-overdue'), '1');
    await app.goto('review');
    await expectText(app.id('department-overdue'), '1');

    // Publicity: shorter than a week is refused; a week is opened, gets an opinion, is closed.
    await app.goto('publicity');
    await app.id('publicity-title').fill('岗位廉政风险点公示');
    await app.id('publicity-start').fill(day(-8));
    await app.id('publicity-end').fill(day(-3));
    await app.id('publicity-risks').getByRole('checkbox').first().check();
    await app.id('publicity-save').click();
    await expectText(app.id('publicity-end-error'), '不少于7天');
    await app.id('publicity-end').fill(day(-1));
    await app.id('publicity-save').click();
    await app.id('round-detail').waitFor();
    await app.id('opinion-text').fill('建议写明需要审核的金额标准');
    await app.id('opinion-save').click();
    await expectCount(app.id('opinion'), 1);
    await expectText(app.id('opinion'), '匿名');
    await app.id('publicity-close').click();
    await expectText(app.id('round-state'), '已结束');
    await app.goto('risks');
    await expectText(app.id('risk-row-publicity'), '已公示');

    // The catalogue, printed and downloaded.
    await app.goto('catalogue');
    await expectCount(app.id('catalogue-row'), 1);
    const row = await app.id('catalogue-row').innerText();
    for (const cell of ['财务室', '财务报销', '岗位职责风险', '大额支出未经民主理财小组审核', '一级', '前期预防', '朱忠云', '王家福']) {
      assert.ok(row.includes(cell), `${cell} in ${row}`);
    }
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(process.env.SCREENSHOTS ?? files, 'catalogue-print.png'), fullPage: true });
    assert.equal(await page.locator('header.header').isVisible(), false, 'the app header is not printed');
    await page.emulateMedia({ media: 'screen' });
    const [csv] = await Promise.all([page.waitForEvent('download'), app.id('catalogue-csv').click()]);
    const csvPath = join(files, 'catalogue.csv');
    await csv.saveAs(csvPath);
    const bytes = readFileSync(csvPath);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    assert.match(text.split('\r\n')[0], /^序号,单位\/科室,岗位,职权事项/);
    assert.match(text, /大额支出未经民主理财小组审核/);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), app.id('catalogue-xlsx').click()]);
    const xlsxPath = join(files, 'catalogue.xlsx');
    await xlsx.saveAs(xlsxPath);
    assert.equal(readFileSync(xlsxPath).subarray(0, 2).toString(), 'PK');
    await app.id('catalogue-department').selectOption({ label: '财务室自查表' });
    await expectText(app.id('catalogue-title'), '财务室腐败风险点及防控措施自查表');
    await expectCount(app.id('catalogue-row'), 1);

    // An edit after publicity is flagged.
    await app.goto('risks');
    await app.id('risk-row-link').first().click();
    await app.fillRisk({ description: '大额支出（五千元以上）未经民主理财小组审核' });
    await expectText(app.id('risk-notice'), '已保存');
    await expectText(app.id('risk-publicity'), '公示后有修改');
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
    rmSync(files, { recursive: true, force: true });
  }
});

test('template drafts are adopted or dropped, and the matrix is editable', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '王场小学' });
    await app.iAm('陈继荣');
    await app.goto('risks');
    await app.expectRiskCount(0);
    await app.id('filter-stage').selectOption('draft');
    const drafts = await app.id('risk-row').count();
    assert.equal(drafts, 23, 'the school template\'s drafts');
    await app.goto('review');
    await expectCount(app.id('draft'), drafts);
    await app.id('draft-adopt').first().click();
    await expectText(app.id('drafts-notice'), '已采纳');
    await app.id('draft-drop').first().click();
    await expectText(app.id('drafts-notice'), '已停用');
    await expectCount(app.id('draft'), drafts - 2);
    await expectCount(app.id('waiting-point'), 1);
    await app.id('matrix-2x2').selectOption('3');
    await app.goto('dashboard');
    await app.goto('review');
    assert.equal(await app.id('matrix-2x2').inputValue(), '3');
    await app.goto('risks');
    await app.expectRiskCount(1);
  } finally {
    await profile.dispose();
  }
});
