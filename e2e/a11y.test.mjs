// Issue 12: every page, in zh-CN and en, has no serious or critical accessibility violation as
// axe-core finds them; and a risk point can be created with the keyboard alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Profile, eventually } from './harness.mjs';
import { App } from './fixtures/app.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PAGES = ['dashboard', 'risks', 'review', 'publicity', 'warnings', 'catalogue', 'charts', 'org', 'plan', 'records', 'pledges', 'cards', 'meetings', 'funds', 'rules', 'evaluations', 'summary', 'history', 'sync'];

/** Waits until the page at an address ending in `path` shows its heading. */
async function shown(app, path) {
  await app.page.waitForURL((url) => url.pathname.endsWith(path));
  await app.page.locator('main h1, main h2').first().waitFor();
}

/** Visits every page of a register with a risk point, calling `check(name)` on each. */
async function everyPage(app, check) {
  for (const name of PAGES) {
    await app.goto(name);
    await shown(app, name === 'dashboard' ? '' : `/${name}`);
    await check(name);
  }
  await app.goto('risks');
  await app.id('risk-row-link').first().click();
  await app.id('accountable').waitFor();
  await check('risk');
  await app.goto('charts');
  await app.id('chart-link').first().click();
  await app.id('chart-canvas').locator('[data-node]').first().click();
  await app.id('chart-node-form').waitFor();
  await check('chart');
  for (const button of ['add-complaint', 'add-warning', 'open-matters', 'open-bulletin']) {
    await app.goto('warnings');
    await app.id(button).click();
    await shown(app, { 'add-complaint': '/complaints/new', 'add-warning': '/warnings/new', 'open-matters': '/matters', 'open-bulletin': '/bulletin' }[button]);
    await check(button);
  }
  // Last: the help page is outside the register, and its header has no register sections.
  await app.goto('help');
  await app.id('help').waitFor();
  await check('help');
}

/** The serious and critical violations on the page as it is now. */
async function violations(page) {
  // Evaluated through DevTools: the app's Content-Security-Policy (rightly) refuses an injected
  // inline script.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  return found;
}

test('no serious or critical accessibility violation on any page, in either language', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    const page = app.page;
    const report = [];
    await app.home();
    report.push(...(await violations(page)).map((v) => `start page: ${v}`));
    const rid = await app.createRegister({ name: '无障碍小学' });
    await app.iAm('王家福');
    await app.addRisk({ scope: 'unit', kind: '思想道德风险', level: '2', description: '理想信念淡化' });
    for (const locale of ['zh-CN', 'en']) {
      await page.goto(`${app.base}/r/${rid}`);
      await app.id('dashboard-unit').waitFor();
      await app.id('lang-switch').selectOption(locale);
      await everyPage(app, async (name) => {
        report.push(...(await violations(page)).map((v) => `${locale} ${name}: ${v}`));
      });
    }
    assert.deepEqual(report, []);
  } finally {
    await profile.dispose();
  }
});

test('a risk point can be created with the keyboard alone', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    const page = app.page;
    await app.createRegister({ name: '键盘小学' });
    await app.iAm('王家福');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    // Tab until the element is focused, as a keyboard user would.
    const tabTo = async (testid) => {
      for (let i = 0; i < 80 && (await focused()) !== testid; i++) await page.keyboard.press('Tab');
      assert.equal(await focused(), testid, `Tab reaches ${testid}`);
    };
    const choose = async (testid, value) => {
      await tabTo(testid);
      for (let i = 0; i < 30 && (await app.id(testid).inputValue()) !== value; i++) await page.keyboard.press('ArrowDown');
      assert.equal(await app.id(testid).inputValue(), value, testid);
    };
    await page.keyboard.press('Tab');
    await tabTo('nav-risks');
    await page.keyboard.press('Enter');
    await tabTo('add-risk');
    await page.keyboard.press('Enter');
    await choose('risk-scope', 'unit');
    await tabTo('risk-kind');
    await page.keyboard.press('ArrowDown');
    await choose('risk-level', '2');
    await tabTo('risk-description');
    await page.keyboard.type('键盘录入的风险点');
    await tabTo('risk-save');
    await page.keyboard.press('Enter');
    await eventually(async () => assert.match(page.url(), /\/risks\/[0-9a-f-]{36}$/));
    await app.goto('risks');
    await eventually(async () => assert.match((await app.riskRows()).join('\n'), /键盘录入的风险点/));
    // Focus is drawn: the outline of a focused control is not "none".
    await tabTo('add-risk');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

test('on a 360 px phone no page scrolls sideways; wide tables scroll inside their box', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    const page = app.page;
    await page.setViewportSize({ width: 360, height: 740 });
    await app.createRegister({ name: '手机小学' });
    await app.iAm('王家福');
    await app.addRisk({ scope: 'unit', kind: '思想道德风险', level: '2', description: '理想信念淡化' });
    const wide = [];
    await everyPage(app, async (name) => {
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 360) wide.push(`${name}: ${width} px`);
    });
    assert.deepEqual(wide, []);
  } finally {
    await profile.dispose();
  }
});
