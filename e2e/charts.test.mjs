// Issue 15: power-operation flowcharts (权力运行流程图). A chart is drawn with the mouse and with
// the keyboard alone, a step is marked with a risk point and the link is followed both ways, the
// chart prints on A4, and two members edit one chart offline and merge by exchanging files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Profile, expectCount, expectText, eventually } from './harness.mjs';
import { App } from './fixtures/app.mjs';

const node = (app, label) => app.id('chart-canvas').locator('[data-node]').filter({ hasText: label });
const place = async (app, label) => {
  const transform = await node(app, label).getAttribute('transform');
  const [, x, y] = transform.match(/translate\(([-\d.]+),([-\d.]+)\)/);
  return [Math.round(Number(x)), Math.round(Number(y))];
};

async function openChart(app, title) {
  await app.goto('charts');
  await app.row('chart', title).getByTestId('chart-link').click();
  await expectText(app.id('chart-heading'), title);
}

async function addNode(app, kind, label) {
  await app.id('chart-add-kind').selectOption(kind);
  await app.id('chart-add-label').fill(label);
  // Enter submits the form: no mouse needed.
  await app.id('chart-add-label').press('Enter');
  await expectCount(node(app, label), 1);
}

test('a chart with a decision is drawn by mouse and by keyboard, and a step links to its risk point', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '高桥小学' });
    await app.iAm('王家福');
    await app.goto('charts');
    // The template's charts are there, with their marks.
    await expectText(app.id('chart-section'), '“三重一大”事项决策流程图');
    await app.id('chart-title').fill('教辅资料征订流程图');
    await app.id('chart-save').click();
    await openChart(app, '教辅资料征订流程图');

    // By keyboard: each node is typed and entered after the one chosen before it.
    await addNode(app, 'start', '开始');
    await addNode(app, 'step', '拟订征订目录');
    await addNode(app, 'decision', '校委会审定通过？');
    await addNode(app, 'step', '向家长公示，自愿征订');
    await expectCount(app.id('chart-canvas').locator('[data-edge]'), 3);
    // The decision's second way, by keyboard: choose the decision with Tab and Enter, then
    // draw the arrow back with the form.
    await node(app, '校委会审定通过？').focus();
    await app.page.keyboard.press('Enter');
    await expectText(app.id('chart-node'), '校委会审定通过？');
    await app.id('chart-connect-to').selectOption({ label: '拟订征订目录' });
    await app.id('chart-connect-label').fill('否');
    await app.id('chart-connect').click();
    await expectCount(app.id('chart-canvas').locator('[data-edge]'), 4);
    const toPublish = app.id('chart-arrow').filter({ hasText: '向家长公示' });
    await toPublish.getByTestId('chart-arrow-label').fill('是');
    await toPublish.getByTestId('chart-arrow-save').click();
    await expectText(app.id('chart-canvas'), '是');
    await expectText(app.id('chart-canvas'), '否');
    // Arrow keys move the focused step; the place is kept.
    const [x0, y0] = await place(app, '校委会审定通过？');
    await node(app, '校委会审定通过？').focus();
    await app.page.keyboard.press('ArrowRight');
    await eventually(async () => assert.deepEqual(await place(app, '校委会审定通过？'), [x0 + 10, y0]));
    await app.page.keyboard.press('Shift+ArrowDown');
    await eventually(async () => assert.deepEqual(await place(app, '校委会审定通过？'), [x0 + 10, y0 + 40]));

    // By mouse: an end node on its own, joined with a click; a step dragged somewhere else.
    await app.id('chart-add-after').selectOption('');
    await addNode(app, 'end', '结束');
    await node(app, '向家长公示，自愿征订').click();
    await expectText(app.id('chart-node'), '向家长公示，自愿征订');
    await app.id('chart-node-connect-mouse').click();
    await app.id('chart-connecting').waitFor();
    await node(app, '结束').click();
    await expectCount(app.id('chart-canvas').locator('[data-edge]'), 5);
    const box = await node(app, '拟订征订目录').boundingBox();
    const [sx, sy] = await place(app, '拟订征订目录');
    await app.page.mouse.move(box.x + 20, box.y + 10);
    await app.page.mouse.down();
    await app.page.mouse.move(box.x + 80, box.y + 30, { steps: 5 });
    await app.page.mouse.move(box.x + 140, box.y + 50, { steps: 5 });
    await app.page.mouse.up();
    await eventually(async () => assert.deepEqual(await place(app, '拟订征订目录'), [sx + 120, sy + 40]));
    await app.saved();
    await app.page.reload();
    await eventually(async () => assert.deepEqual(await place(app, '拟订征订目录'), [sx + 120, sy + 40]));
    // Back to the automatic layout.
    await app.id('chart-auto').click();
    await eventually(async () => assert.notDeepEqual(await place(app, '拟订征订目录'), [sx + 120, sy + 40]));
    await expectCount(app.id('chart-canvas').locator('[data-node]'), 5);

    // A risk mark on a step, in the point's level colour; the mark opens the point, and the
    // point lists the chart.
    await node(app, '拟订征订目录').click();
    const risk = app.id('chart-mark-risk').locator('option', { hasText: '违规征订教辅资料' });
    await app.id('chart-mark-risk').selectOption(await risk.getAttribute('value'));
    await app.id('chart-mark-add').click();
    const mark = app.id('chart-canvas').locator('[data-risk]');
    await expectCount(mark, 1);
    assert.equal(await mark.locator('polygon').getAttribute('fill'), '#f2c94c', 'a 三级 point is yellow');
    await mark.click();
    await eventually(async () => assert.match(app.page.url(), /\/risks\/[0-9a-f-]{36}$/));
    await expectText(app.id('risk-charts'), '教辅资料征订流程图');
    await expectText(app.id('risk-charts'), '拟订征订目录');
    await app.id('risk-chart').filter({ hasText: '教辅资料征订流程图' }).getByRole('link').click();
    await expectText(app.id('chart-heading'), '教辅资料征订流程图');
    // What a flowchart cannot be is refused in words, and nothing changes.
    await node(app, '结束').click();
    await app.id('chart-connect-to').selectOption({ label: '开始' });
    await app.id('chart-connect').click();
    await expectText(app.id('chart-notice'), '开始不能有箭头指入');
    await expectCount(app.id('chart-canvas').locator('[data-edge]'), 5);
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

test('a template chart prints on one A4 sheet with the unit, title, date and legend', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '高桥小学' });
    await openChart(app, '“三重一大”事项决策流程图');
    await expectCount(app.id('chart-canvas').locator('[data-node]'), 10);
    // Exported as a drawing that stands alone, and as a picture.
    const exported = async (button) => {
      const [download] = await Promise.all([app.page.waitForEvent('download'), app.id(button).click()]);
      return [download.suggestedFilename(), readFileSync(await download.path())];
    };
    const [svgName, svg] = await exported('chart-export-svg');
    assert.equal(svgName, '“三重一大”事项决策流程图.svg');
    assert.match(svg.toString('utf8'), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.toString('utf8').includes('纪要签发') && !svg.toString('utf8').includes('tabindex'));
    const [pngName, png] = await exported('chart-export-png');
    assert.equal(pngName, '“三重一大”事项决策流程图.png');
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.ok(png.length > 20_000, `${png.length} bytes`);
    await app.page.emulateMedia({ media: 'print' });
    assert.equal(await app.id('chart-print').isVisible(), false);
    assert.equal(await app.id('chart-add').isVisible(), false);
    await expectText(app.id('chart-sheet'), '高桥小学');
    await expectText(app.id('chart-sheet'), '打印日期');
    await expectText(app.id('chart-canvas'), '一级风险');
    // The drawing fits the page's width and height (A4 less its margins, at 96 px an inch).
    const drawn = await app.id('chart-canvas').locator('svg').boundingBox();
    assert.ok(drawn.height <= (230 / 25.4) * 96 + 1, `${drawn.height}px tall`);
    const pdf = (await app.page.pdf({ preferCSSPageSize: true })).toString('latin1');
    const pages = (pdf.match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.ok(pages >= 1 && pages <= 2, `${pages} pages`);
    const shots = process.env.SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'qingfeng-chart-'));
    await app.id('chart-sheet').screenshot({ path: join(shots, 'chart-print.png') });
    await app.page.emulateMedia({ media: 'screen' });
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});

test('two members edit one chart offline and both edits are there after the files cross', async () => {
  const files = mkdtempSync(join(tmpdir(), 'qingfeng-files-'));
  const wangProfile = new Profile();
  const zhuProfile = new Profile();
  try {
    const wang = new App(await wangProfile.open());
    await wang.createRegister({ name: '高桥小学' });
    await wang.iAm('王家福');
    const first = await wang.exportFile(files);
    const zhu = new App(await zhuProfile.open());
    await zhu.home();
    await zhu.importFile(first.path);
    await zhu.id('import-open').click();
    await zhu.iAm('朱忠云');

    // 王 adds a step after the plan; 朱 relabels another.
    await openChart(wang, '食堂食品采购流程图');
    await node(wang, '制定采购计划').click();
    await addNode(wang, 'step', '采购计划报总务处审核');
    await openChart(zhu, '食堂食品采购流程图');
    await node(zhu, '登记出入库台账').click();
    await zhu.id('chart-node-label').fill('登记食品出入库台账');
    await zhu.id('chart-node-save').click();
    await expectCount(node(zhu, '登记食品出入库台账'), 1);

    const fromWang = await wang.exportFile(files);
    const fromZhu = await zhu.exportFile(files);
    await wang.importFile(fromZhu.path);
    await zhu.importFile(fromWang.path);
    for (const app of [wang, zhu]) {
      await openChart(app, '食堂食品采购流程图');
      await expectCount(node(app, '采购计划报总务处审核'), 1);
      await expectCount(node(app, '登记食品出入库台账'), 1);
      await expectCount(app.id('chart-canvas').locator('[data-node]'), 9);
    }
    assert.deepEqual(wangProfile.errors, []);
    assert.deepEqual(zhuProfile.errors, []);
  } finally {
    await wangProfile.dispose();
    await zhuProfile.dispose();
    rmSync(files, { recursive: true, force: true });
  }
});
