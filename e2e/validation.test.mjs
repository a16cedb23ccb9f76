// Step 6: invalid input is refused beside the field, in the user's language, and nothing
// half-written reaches the register.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Profile, expectCount, expectText } from './harness.mjs';
import { App } from './fixtures/app.mjs';

test('invalid fields are refused beside the field and nothing is written', async () => {
  const profile = new Profile();
  try {
    const page = await profile.open();
    const app = new App(page);
    await app.home();
    await app.id('unit-hotline').fill('请拨打');
    await app.id('create-register').click();
    await expectText(app.id('unit-name-error'), '必填');
    await expectText(app.id('unit-hotline-error'), '请填写有效的电话号码');
    await expectCount(app.id('register-item'), 0);

    await app.createRegister({ name: '高桥小学' });
    await app.goto('org');
    // An empty required name.
    await app.id('person-title').fill('会计');
    await app.id('person-save').click();
    await expectText(app.id('person-name-error'), '必填');
    await expectCount(app.id('person-row'), 0);
    // Nothing was written, so nothing waits to be saved.
    await app.saved();
    // A post without a department.
    await app.id('post-name').fill('票据管理员');
    await app.id('post-save').click();
    await expectText(app.id('post-department-error'), '必填');
    await expectCount(app.row('post', '票据管理员'), 0);
    // The same refusal in English.
    await app.id('lang-switch').selectOption('en');
    await expectText(app.id('post-department-error'), 'Required');
    await app.id('lang-switch').selectOption('zh-CN');

    // A level outside 一/二/三: none chosen, then a forged option.
    await app.goto('risks');
    await app.id('add-risk').click();
    await app.id('risk-kind').selectOption({ label: '岗位职责风险' });
    await app.id('risk-scope').selectOption('unit');
    await app.id('risk-description').fill('招生中优亲厚友');
    await app.id('risk-save').click();
    await expectText(app.id('risk-level-error'), '请选择一级、二级或三级');
    await app.id('risk-level').evaluate((select) => {
      select.add(new Option('四级', '4'));
      select.value = '4';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await app.id('risk-save').click();
    await expectText(app.id('risk-level-error'), '请选择一级、二级或三级');
    assert.match(page.url(), /\/risks\/new$/);
    await app.goto('risks');
    await app.expectRiskCount(0);
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});
