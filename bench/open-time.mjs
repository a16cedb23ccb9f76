// How long the start page takes to be usable, from navigation to the 新建台账 form: the served
// app (first visit and reload) against the one-file copy over file:// (first open and reload).
// Each case in 5 fresh profiles; prints the medians in ms.
//   node bench/open-time.mjs http://127.0.0.1:8080 dist-single/qingfeng.html
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const served = process.argv[2] ?? 'http://127.0.0.1:8080';
const file = pathToFileURL(resolve(process.argv[3] ?? 'dist-single/qingfeng.html')).href;
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const RUNS = 5;

async function openTimes(url) {
  const dir = mkdtempSync(join(tmpdir(), 'qingfeng-open-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ARGS,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const time = async (go) => {
      const start = Date.now();
      await go();
      await page.getByTestId('create-register-form').waitFor();
      return Date.now() - start;
    };
    return [await time(() => page.goto(url)), await time(() => page.reload())];
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, url] of [['served', served], ['one file', file]]) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await openTimes(url));
  console.log(`${name}: first open ${median(runs.map((r) => r[0]))} ms, reload ${median(runs.map((r) => r[1]))} ms`);
}
