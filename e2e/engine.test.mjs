// Issue 9: the register's document lives in a Web Worker, so importing a large file neither
// freezes the page nor raises errors. Uses the R500 benchmark file (a school's size, 6,774
// changes), which scripts/test.sh writes to target/e2e-data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Profile, expectText } from './harness.mjs';
import { App } from './fixtures/app.mjs';

const FILE = join(process.env.QINGFENG_E2E_DATA ?? 'target/e2e-data', 'R500.qingfeng');

test('importing a large register keeps the page responsive', { skip: !existsSync(FILE) && `no ${FILE}` }, async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.home();
    await app.page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({ type: 'longtask' });
    });
    await app.id('import-file').setInputFiles(FILE);
    // While the worker reads, merges and stores the file, typing in the page is answered at once.
    const answers = await app.page.evaluate(async () => {
      const input = document.querySelector('[data-testid="unit-name"]');
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const times = [];
      for (let i = 0; i < 6; i++) {
        const t = performance.now();
        input.value = `高桥小学${i}`;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await frame();
        times.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
      return { times, importing: !document.querySelector('[data-imports]') };
    });
    assert.ok(answers.importing, 'the import was still under way while the page was used');
    for (const t of answers.times) assert.ok(t < 100, `an input was answered in ${Math.round(t)} ms`);
    await expectText(app.id('import-summary'), '已添加新台账', 60_000);
    await app.id('import-open').click();
    await app.id('dashboard-unit').waitFor();
    await app.goto('risks');
    await app.id('risk-row').first().waitFor();
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});
