// The browser benchmark, run by scripts/bench.sh: headless Chromium times the register core
// (wasm) against the reference @automerge/automerge on the same files in the same page,
// then times the real app on that register: cold open, filtering, edits, saving.
// QINGFENG_BENCH_SIZE=R500 runs on the smaller register (default R5k).
// Prints one JSON object; tests assert behaviour, this only measures.
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const APP = process.env.QINGFENG_URL ?? 'http://127.0.0.1:18081';
const BENCH = process.env.QINGFENG_BENCH_URL ?? 'http://127.0.0.1:18082';
const DATA = process.env.QINGFENG_BENCH_DATA ?? 'target/bench-data';
const SIZE = process.env.QINGFENG_BENCH_SIZE ?? 'R5k';
const APP_ONLY = process.env.QINGFENG_BENCH_APP_ONLY === '1';
const started = Date.now();
const progress = (what) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const dir = mkdtempSync(join(tmpdir(), 'qingfeng-bench-'));
const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
const result = { chromium: context.browser()?.version() ?? null, size: SIZE };

function quantile(samples, q) {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
}

try {
  // 1. The core in wasm against the reference implementation, same page, same bytes.
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => progress(m.text()));
  // QINGFENG_BENCH_APP_ONLY=1 times only the app (two builds of it compared in one run).
  if (!APP_ONLY) {
    // Trunk writes bench.html as dist-bench/index.html.
    await page.goto(`${BENCH}/?size=${SIZE}`);
    const ours = await page.waitForFunction(() => window.__qingfengBench, null, { timeout: 600_000 }).then((h) => h.jsonValue());
    if (ours.error) throw new Error(`bench page: ${JSON.stringify(ours.error)}`);
    progress('reference @automerge/automerge');
    const reference = await page.evaluate(async (size) => {
      const A = window.Automerge;
      const payload = async (path) => {
        const bytes = new Uint8Array(await (await fetch(path)).arrayBuffer());
        const view = new DataView(bytes.buffer);
        let at = 10;
        at += 2 + view.getUint16(at);
        at += 2 + view.getUint16(at);
        const length = Number(view.getBigUint64(at));
        return bytes.subarray(at + 8, at + 8 + length);
      };
      const base = await payload(`data/${size}.qingfeng`);
      const plus = await payload(`data/${size}-plus-1k.qingfeng`);
      const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      // Every document is freed after its run: the wasm heap would otherwise fill up with them.
      const time = (setup, f, docs) => median([0, 1, 2, 3, 4].map(() => {
        const input = setup();
        const t = performance.now();
        const output = f(input);
        const elapsed = performance.now() - t;
        docs(input, output).forEach((d) => A.free(d));
        return elapsed;
      }));
      return {
        load_ms: time(() => null, () => A.load(base), (_, doc) => [doc]),
        load_and_materialise_ms: time(() => null, () => { const doc = A.load(base); A.toJS(doc); return doc; }, (_, doc) => [doc]),
        merge_1k_ms: time(() => [A.load(base), A.load(plus)], ([a, b]) => A.merge(a, b), ([, b], merged) => [b, merged]),
        save_ms: time(() => A.load(base), (d) => A.save(d), (d) => [d]),
      };
    }, SIZE);
    result.core = ours;
    result.reference = reference;
    result.ratios = {
      load: Math.round((reference.load_ms / ours.automerge_load_ms) * 100) / 100,
      load_to_model: Math.round((reference.load_and_materialise_ms / ours.register_load_ms) * 100) / 100,
      merge_1k: Math.round((reference.merge_1k_ms / ours.automerge_merge_1k_ms) * 100) / 100,
      save: Math.round((reference.save_ms / ours.save_ms) * 100) / 100,
    };
    result.localstorage_fraction = Math.round((ours.saved_base64_chars / 5_242_880) * 100) / 100;
  }

  // 2. The app on the same register.
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });
    window.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
    const seen = new MutationObserver(() => {
      if (!window.__firstRow && document.querySelector('[data-testid="risk-row"]')) {
        window.__firstRow = performance.now();
        seen.disconnect();
      }
    });
    document.addEventListener('DOMContentLoaded', () => seen.observe(document.body, { childList: true, subtree: true }));
  });
  progress('app: import');
  await page.goto(`${APP}/`);
  await page.getByTestId('create-register-form').waitFor();
  const importStarted = Date.now();
  await page.getByTestId('import-file').setInputFiles(join(DATA, `${SIZE}.qingfeng`));
  await page.locator('[data-imports]').waitFor({ timeout: 600_000 });
  result.app_import_and_store_ms = Date.now() - importStarted;
  result.app_longest_task_while_importing_ms = Math.round(Math.max(0, ...(await page.evaluate(() => window.__longTasks))));
  const href = await page.getByTestId('import-open').getAttribute('href');

  progress('app: cold opens');
  const opens = [];
  for (let i = 0; i < 3; i++) {
    await page.goto(`${APP}${href}/risks`);
    await page.waitForFunction(() => window.__firstRow, null, { timeout: 120_000 });
    opens.push(await page.evaluate(() => window.__firstRow));
  }
  result.app_cold_open_to_first_row_ms = { runs: opens.map(Math.round), median: quantile(opens, 0.5) };

  progress('app: reopens painted from the view copy');
  // The view copy is written a few seconds after an opening; later openings paint from it and
  // are interactive once the document has loaded behind it ("正在更新" gone).
  await page.waitForTimeout(6000);
  const reopens = [];
  const interactive = [];
  for (let i = 0; i < 3; i++) {
    await page.goto(`${APP}${href}/risks`);
    await page.waitForFunction(() => window.__firstRow, null, { timeout: 120_000 });
    reopens.push(await page.evaluate(() => window.__firstRow));
    await page.waitForFunction(() => !document.querySelector('[data-testid="updating"]'), null, { timeout: 120_000, polling: 50 });
    interactive.push(await page.evaluate(() => performance.now()));
  }
  result.app_reopen_to_first_row_ms = { runs: reopens.map(Math.round), median: quantile(reopens, 0.5) };
  result.app_reopen_to_interactive_ms = { runs: interactive.map(Math.round), median: quantile(interactive, 0.5) };

  progress('app: memory');
  // The page's JS heap (CDP) and wasm memory; the renderer process's resident memory, which
  // holds the page and its worker (a dedicated worker runs in its page's process).
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async (name) => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0;
  const MB = (bytes) => Math.round(bytes / 1048576);
  const renderers = execSync(`ps -eo rss,args`).toString().split('\n')
    .filter((line) => line.includes(dir) && line.includes('--type=renderer'))
    .map((line) => Number(line.trim().split(/\s+/)[0]) * 1024);
  result.app_memory_mb = {
    page_js_heap: MB(await metric('JSHeapUsedSize')),
    page_wasm: MB(await page.evaluate(() => window.__wasm?.memory?.buffer.byteLength ?? 0)),
    renderer_rss_page_and_worker: MB(Math.max(0, ...renderers)),
  };

  progress('app: filtering');
  // Keypress in the list's search box to the repainted list (5,000 rows filtered and sorted).
  const filterTimes = await page.evaluate(async () => {
    const input = document.querySelector('[data-testid="filter-text"]');
    const count = document.querySelector('[data-testid="risk-count"]');
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const times = [];
    for (const text of ['回', '回扣', '', '招', '招生', '', '财', '', '采购', '']) {
      const before = count.textContent;
      const t = performance.now();
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await frame();
      if (text && count.textContent === before) await frame();
      times.push(performance.now() - t);
    }
    return times;
  });
  result.app_filter_keypress_to_paint_ms = { p50: quantile(filterTimes, 0.5), p95: quantile(filterTimes, 0.95) };

  progress('app: edits');
  // An edit: a keystroke in the risk form, and saving it to the document.
  await page.getByTestId('risk-row-link').first().click();
  await page.getByTestId('risk-power_item').waitFor();
  const editTimes = await page.evaluate(async () => {
    const field = document.querySelector('[data-testid="risk-power_item"]');
    const save = document.querySelector('[data-testid="risk-save"]');
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    window.__longTasks = [];
    const keys = [];
    const saves = [];
    for (let i = 0; i < 20; i++) {
      let t = performance.now();
      field.value = `${field.value}${i % 10}`;
      field.dispatchEvent(new Event('input', { bubbles: true }));
      await frame();
      keys.push(performance.now() - t);
      t = performance.now();
      save.click();
      await frame();
      saves.push(performance.now() - t);
    }
    await new Promise((r) => setTimeout(r, 1000));
    return { keys, saves, longest: Math.max(0, ...window.__longTasks) };
  });
  result.app_keystroke_to_paint_ms = { p50: quantile(editTimes.keys, 0.5), p95: quantile(editTimes.keys, 0.95) };
  result.app_save_edit_to_paint_ms = { p50: quantile(editTimes.saves, 0.5), p95: quantile(editTimes.saves, 0.95) };
  result.app_longest_task_during_edits_and_saves_ms = Math.round(editTimes.longest);

  progress('app: merging a file of 1k changes into the open register');
  // Main-thread time is the renderer main thread's task time (CDP TaskDuration) over the merge;
  // the worker's time is the rest of the wall time until the page shows the result.
  await page.goto(`${APP}${href}/sync`);
  await page.getByTestId('import-file').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="updating"]'), null, { timeout: 120_000, polling: 50 });
  await page.evaluate(() => { window.__longTasks = []; });
  const busyBefore = await metric('TaskDuration');
  const mergeStarted = Date.now();
  await page.getByTestId('import-file').setInputFiles(join(DATA, `${SIZE}-plus-1k.qingfeng`));
  await page.locator('[data-imports]').waitFor({ timeout: 600_000 });
  const mergeWall = Date.now() - mergeStarted;
  await page.waitForTimeout(500);
  const mainThread = Math.round(((await metric('TaskDuration')) - busyBefore) * 1000);
  result.app_merge_1k = {
    wall_ms: mergeWall,
    main_thread_ms: mainThread,
    longest_task_ms: Math.round(Math.max(0, ...(await page.evaluate(() => window.__longTasks)))),
  };
} finally {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync('target/bench-results.json', JSON.stringify(result, null, 2));
console.log(JSON.stringify(result, null, 2));
