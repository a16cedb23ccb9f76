// Issue 12: a new register's overview shows 上手指引, the plan's first steps in order, each
// ticking itself off from what the register holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Profile, expectCount, expectText, eventually } from './harness.mjs';
import { App } from './fixtures/app.mjs';

test('the getting-started guide ticks off a step when the register shows it done', async () => {
  const profile = new Profile();
  try {
    const app = new App(await profile.open());
    await app.createRegister({ name: '指引小学' });
    await app.iAm('王家福');
    const guide = app.id('guide');
    await expectCount(guide.locator('li'), 7);
    const done = async (code) => (await app.id(`guide-${code}`).getAttribute('data-done')) === 'true';
    for (const code of ['people', 'departments', 'group', 'posts', 'drafts', 'review', 'publicity']) {
      assert.equal(await done(code), false, code);
    }
    // Each step links to its page.
    await app.id('guide-posts').locator('a').click();
    // The template brings the key posts; the step is done when someone holds each of them.
    for (const post of ['学校领导', '会计', '出纳', '食堂采买']) {
      await app.row('post', post).getByTestId('post-edit').click();
      await app.id('post-holders').getByRole('checkbox').first().check();
      await app.id('post-save').click();
      await expectText(app.row('post', post), '王家福');
    }
    await app.goto('dashboard');
    await eventually(async () => assert.equal(await done('posts'), true));
    assert.equal(await done('group'), false);
    await app.goto('org');
    await app.setLeader('王家福');
    await app.goto('dashboard');
    // A leader alone is not yet a group.
    assert.equal(await done('group'), false);
    assert.deepEqual(profile.errors, []);
  } finally {
    await profile.dispose();
  }
});
