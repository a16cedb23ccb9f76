// Steps 2–4: create registers from the school template, keep the organisation, and keep risk
// points whose accountable people follow from level and department.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Profile, expectCount, expectText, eventually } from './harness.mjs';
import { App } from './fixtures/app.mjs';

test('a school register: template, organisation, risk points, several registers', async () => {
  const profile = new Profile();
  try {
    const page = await profile.open();
    const app = new App(page);
    const gaoqiao = await app.createRegister({ name: '高桥小学', superior: '沙洋县教育局', hotline: '8573065' });
    await expectText(app.id('dashboard-hotline'), '8573065');
    await expectText(app.id('count-departments'), '9');

    // The template: departments, an editable list of risk kinds, the plan's phases.
    await app.goto('org');
    const departments = await app.id('department-row').allInnerTexts();
    for (const name of ['党支部', '办公室', '总务处', '财务室', '教务处', '德育处', '教科室', '工会', '食堂']) {
      assert.ok(departments.some((row) => row.includes(name)), name);
    }
    // The key posts (重点对象) come with the template.
    for (const name of ['学校领导', '会计', '出纳', '食堂采买']) await expectText(app.row('post', name), '重点');
    await expectCount(app.id('kind-row'), 3);
    await app.id('kind-name').fill('廉洁自律风险');
    await app.id('kind-save').click();
    await expectCount(app.id('kind-row'), 4);
    await app.goto('plan');
    await expectCount(app.id('phase-row'), 6);
    await expectText(app.id('phase-row').first(), '组织动员');

    // People, edited and archived and restored.
    await app.goto('org');
    await app.addPerson('王家福', { title: '校长', party: true, cadre: true });
    await app.addPerson('朱忠云', { title: '会计' });
    await app.addPerson('陈继荣', { title: '副校长', cadre: true });
    await app.addPerson('黄军华');
    await app.row('person', '黄军华').getByTestId('person-edit').click();
    await app.id('person-name').fill('黄军华（总务）');
    await app.id('person-save').click();
    await app.row('person', '黄军华（总务）').waitFor();
    await app.row('person', '黄军华（总务）').getByTestId('person-archive').click();
    await expectCount(app.row('person', '黄军华'), 0);
    await app.id('person-show-archived').check();
    await app.row('person', '黄军华（总务）').getByTestId('person-restore').click();
    await app.id('person-show-archived').uncheck();
    await expectCount(app.id('person-row'), 4);

    // Departments with head and leader in charge, a post, the leading group.
    await app.setDepartment('财务室', { head: '朱忠云', leader: '陈继荣' });
    await app.setDepartment('食堂', { head: '黄军华（总务）' });
    await app.addPost('报账员', { department: '财务室', rank: '一般教职工', duties: '财务报销审核\n资金支付' });
    await app.setLeader('王家福');

    // A risk point on a post: the accountable people follow the level.
    await app.addRisk({
      post: '财务室 · 报账员',
      kind: '岗位职责风险',
      level: '2',
      powerItem: '财务报销',
      description: '大额支出未经民主理财小组审核',
      manifestations: '先支付后补签',
      causes: '制度执行不严',
    });
    await expectText(app.id('duty-department_head'), '朱忠云');
    await expectText(app.id('duty-leader_in_charge'), '陈继荣');
    await expectCount(app.id('duty-principal_leader'), 0);
    await app.id('risk-level').selectOption('1');
    await expectText(app.id('duty-principal_leader'), '王家福');
    await app.id('risk-save').click();
    await expectText(app.id('risk-notice'), '已保存');
    await app.id('risk-level').selectOption('3');
    await expectCount(app.id('duty-leader_in_charge'), 0);
    await app.id('risk-level').selectOption('1');

    await app.addRisk({ post: '食堂 · 食堂采买', kind: '岗位职责风险', level: '2', description: '采购食品收受回扣' });
    // 食堂 has no leader in charge: the gap is shown, not hidden.
    assert.equal(await app.id('duty-leader_in_charge').getAttribute('data-gap'), 'true');
    await app.addRisk({ scope: 'department', department: '党支部', kind: '思想道德风险', level: '3', description: '理想信念淡化' });
    await app.addRisk({ scope: 'unit', kind: '制度机制风险', level: '1', description: '“一把手”直接分管基建、采购' });
    // A point of the whole unit is the principal leader's: no department head to be missing.
    await expectText(app.id('duty-principal_leader'), '王家福');
    await expectCount(app.id('duty-department_head'), 0);

    // The list: sorted by level, filtered by level, kind, department and text, sorted by a column.
    await app.goto('risks');
    await app.expectRiskCount(4);
    const levels = await app.id('risk-row-level').allInnerTexts();
    assert.deepEqual(levels, ['一级', '一级', '二级', '三级']);
    await app.id('filter-level').selectOption('2');
    await app.expectRiskCount(1);
    await expectText(app.id('risk-row'), '采购食品收受回扣');
    await app.id('filter-level').selectOption('');
    await app.id('filter-kind').selectOption({ label: '岗位职责风险' });
    await app.expectRiskCount(2);
    await app.id('filter-department').selectOption({ label: '食堂' });
    await app.expectRiskCount(1);
    await app.id('filter-kind').selectOption('');
    await app.id('filter-department').selectOption('');
    await app.id('filter-text').fill('民主理财');
    await app.expectRiskCount(1);
    await app.id('filter-text').fill('');
    await app.expectRiskCount(4);
    await app.id('sort-department').click();
    await eventually(async () => {
      const departments = (await app.riskRows()).map((r) => r.split('\t')[2].trim());
      assert.deepEqual(departments, ['', '党支部', '财务室', '食堂']); // the unit risk has none
    });
    await app.id('sort-description').click();
    await app.id('sort-description').click();
    await eventually(async () => {
      const rows = await app.riskRows();
      const descriptions = rows.map((r) => r.split('\t')[5]);
      assert.deepEqual(descriptions, [...descriptions].sort().reverse());
    });

    // Archive a risk point: it leaves the list and can be restored.
    await app.id('risk-row-link').filter({ hasText: '理想信念淡化' }).click();
    await app.id('risk-archive').click();
    await app.id('risk-archived-badge').waitFor();
    await app.goto('risks');
    await app.expectRiskCount(3);
    await app.id('filter-archived').check();
    await app.expectRiskCount(1);

    // A second register; the list switches between them.
    await app.createRegister({ name: '王场小学' });
    await app.home();
    await expectCount(app.id('register-item'), 2);
    await app.id('register-item').filter({ hasText: '高桥小学' }).getByRole('link').click();
    await expectText(app.id('current-unit'), '高桥小学');
    assert.equal(app.registerId(), gaoqiao);
    await app.goto('risks');
    await app.expectRiskCount(3);
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

test('opening one register and at once another shows the second, even when the first finishes last', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    const first = await app.createRegister({ name: '高桥小学' });
    const second = await app.createRegister({ name: '王场小学' });
    // The test hook slows the first register's opening down, so that it finishes after the second's.
    await app.page.evaluate((id) => localStorage.setItem(`qingfeng.test.open_delay_ms.${id}`, '2500'), first);
    await app.home();
    await app.id('register-item').filter({ hasText: '高桥小学' }).getByRole('link').click();
    await app.page.waitForURL(`**/r/${first}`);
    await app.page.goBack();
    await app.id('register-item').filter({ hasText: '王场小学' }).getByRole('link').click();
    await expectText(app.id('dashboard-unit'), '王场小学');
    // The first opening's reply lands after the second's: the page stays on the second.
    await app.page.locator(`body[data-delayed-open="${first}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    await expectText(app.id('dashboard-unit'), '王场小学');
    await expectText(app.id('current-unit'), '王场小学');
    assert.equal(app.registerId(), second);
    await expectCount(app.id('updating'), 0);
    // And it is writable: an edit saves to the second register.
    await app.goto('org');
    await app.addPerson('刘春');
    await app.saved();
    await app.goto('dashboard');
    await expectText(app.id('count-people'), '1');
    await app.home();
    await app.id('register-item').filter({ hasText: '高桥小学' }).getByRole('link').click();
    await expectText(app.id('dashboard-unit'), '高桥小学', 10_000);
    assert.equal(await app.id('count-people').innerText(), '0');
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});
