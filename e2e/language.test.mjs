// Step 1: the page speaks Simplified Chinese; a switch turns it into English, and the choice
// survives a reload. No locale key leaks onto the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, Profile, expectText } from './harness.mjs';
import { App } from './fixtures/app.mjs';

const KEY_LIKE = /\b(app|nav|form|risk|risks|unit|org|level|invalid|filter|dashboard|registers?)\.[a-z_]+\b/;

test('Chinese by default, English on a switch that persists', async () => {
  const profile = new Profile();
  try {
    const page = await profile.open();
    const app = new App(page);
    await app.home();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await expectText(page.locator('body'), '风险防控台账');
    await expectText(app.id('create-register'), '创建台账');
    assert.doesNotMatch(await page.locator('body').innerText(), KEY_LIKE);

    await app.id('lang-switch').selectOption('en');
    await expectText(app.id('create-register'), 'Create register');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');

    await page.reload();
    await expectText(app.id('create-register'), 'Create register');
    await app.createRegister({ name: '王场小学', hotline: '8573065' });
    await expectText(app.id('nav-risks'), 'Risk points');
    await expectText(app.id('save-status'), 'Saved');
    for (const section of ['risks', 'org', 'plan', 'dashboard']) {
      await app.goto(section);
      await page.waitForURL((url) => section === 'dashboard' || url.pathname.endsWith(`/${section}`));
      await page.locator('main h1, main h2').first().waitFor();
      assert.doesNotMatch(await page.locator('body').innerText(), KEY_LIKE, section);
    }

    await app.id('lang-switch').selectOption('zh-CN');
    await expectText(app.id('nav-risks'), '风险点');
    await page.goto(`${BASE}/`);
    await expectText(app.id('create-register'), '创建台账');
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});
