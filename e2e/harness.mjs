// Launches Debian's Chromium through playwright-core, one fresh profile per "member", and gives
// small waiting assertions (playwright-core has no `expect`).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export const BASE = process.env.QINGFENG_URL ?? 'http://127.0.0.1:8080';
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A browser profile (its own user-data-dir, so its own localStorage) that can be closed and reopened. */
export class Profile {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'qingfeng-e2e-'));
    this.errors = [];
  }

  async open() {
    this.context = await chromium.launchPersistentContext(this.dir, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    this.page.on('pageerror', (e) => this.errors.push(e.message));
    this.page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
    });
    return this.page;
  }

  /** Closes the browser; the profile folder stays for `open` again. */
  async close() {
    await this.context?.close();
    this.context = undefined;
  }

  async dispose() {
    await this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Waits until `fn` stops throwing (up to `timeout` ms), then returns its value. */
export async function eventually(fn, timeout = 5000) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Waits until the locator's text contains `text`. */
export async function expectText(locator, text, timeout) {
  await eventually(async () => assert.match(await locator.innerText(), new RegExp(escape(text))), timeout);
}

/** Waits until the locator matches `n` elements. */
export async function expectCount(locator, n, timeout) {
  await eventually(async () => assert.equal(await locator.count(), n), timeout);
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
