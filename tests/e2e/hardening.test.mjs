// Hostile input: a crafted share link, a corrupt autosave, an internal failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { serveDist, openBrowser, screenshot, screenshotDir, isLoopback } from './harness.mjs';

let server, url, browser;
before(async () => { ({ server, url } = await serveDist()); browser = await openBrowser(); });
after(async () => { await browser?.close(); server?.close(); });

const EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">"\'`${x}';

function link(state) {
  const packed = deflateRawSync(Buffer.from(JSON.stringify(state)), { level: 9 });
  return 's1.' + packed.toString('base64url');
}

async function fresh() {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  const requests = [];
  const dialogs = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  page.on('pageerror', (e) => errors.push(e.message));
  return { ctx, page, requests, dialogs, errors };
}

test('a share link with script in every string field runs nothing and shows it as text', async () => {
  const state = {
    version: 1,
    mapping_template: EVIL, order_detail: EVIL, stripe_created: EVIL, stripe_succeeded: EVIL, stripe_apostrophe: EVIL,
    custom: { bus: EVIL, event: EVIL },
    rules: [{ bus: 'orders', name: EVIL, pattern: EVIL, state: 'ENABLED', description: EVIL, managed_by: null,
      targets: [{ id: EVIL, arn: EVIL, input: { Input: EVIL } }] }],
  };
  const { ctx, page, requests, dialogs } = await fresh();
  await page.goto(`${url}#${link(state)}`);
  await page.getByText('Opened the shared workshop from the link.').waitFor();
  await page.getByRole('button', { name: 'Replay all' }).click();
  await page.getByRole('tab', { name: /Rules & targets/ }).click();
  await page.getByRole('tab', { name: /API Gateway/ }).click();
  await page.getByRole('tab', { name: /Sample events/ }).click();
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no injected script ran');
  assert.deepEqual(dialogs, []);
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no injected element');
  assert.ok((await page.locator('textarea').first().inputValue()).includes('<script>'), 'shown as text');
  assert.deepEqual(requests.filter((r) => !isLoopback(r)), []);
  await screenshot(page, 'malicious-link');
  await ctx.close();
});

test('a corrupt autosave shows a notice and the defaults', async () => {
  const { ctx, page } = await fresh();
  await page.goto(url);
  // Let the app save its first state, so that it cannot overwrite the corruption below.
  await page.waitForFunction(() => localStorage.getItem('ebw-state-v1') !== null);
  await page.evaluate(() => localStorage.setItem('ebw-state-v1', '{"version":1,"rules":"garbage'));
  await page.reload();
  await page.getByText(/The saved workshop could not be read/).waitFor();
  await page.getByRole('button', { name: 'rule orders-catchall' }).waitFor();
  await ctx.close();
});

test('an internal failure shows a recovery banner, never a blank page, and keeps the work', async () => {
  const { ctx, page } = await fresh();
  await page.goto(url);
  await page.getByRole('tab', { name: /Rules & targets/ }).click();
  await page.getByLabel('Event pattern of payments-catchall').fill('{"source": ["kept"]}');
  await page.waitForTimeout(100);
  await page.evaluate(() => { try { window.wasmBindings.selfTestPanic(); } catch (e) { /* the trap */ } });
  await page.getByText(/Something went wrong inside the workshop/).waitFor();
  assert.ok(await page.getByRole('button', { name: 'rule orders-catchall' }).isVisible(), 'the page is still there');
  await screenshot(page, 'panic-banner');
  await page.reload();
  await page.getByRole('tab', { name: /Rules & targets/ }).click();
  assert.equal(await page.getByLabel('Event pattern of payments-catchall').inputValue(), '{"source": ["kept"]}');
  await ctx.close();
});

test('patterns as deep as AWS allows run in the page, and one level deeper is refused in words', async () => {
  const { ctx, page, errors } = await fresh();
  await page.goto(url);
  await page.getByRole('tab', { name: /Rules & targets/ }).click();
  const editor = page.getByLabel('Event pattern of orders-catchall');
  // 800 levels fit in 4096 characters; at the bottom, a test the New Order event passes.
  const deep = '{"":'.repeat(800) + '{"$or":[{"b":[{"exists":false}]},{"c":[1]}]}' + '}'.repeat(800);
  await editor.fill(deep);
  await page.getByRole('button', { name: 'New Order', exact: true }).click();
  const line = page.locator('.rule-verdict', { hasText: 'orders-catchall' });
  await line.getByText(/^matched$/).waitFor();
  // A thousand and one containers: Jackson's limit, in its words, next to the editor.
  await page.getByRole('tab', { name: /Rules & targets/ }).click();
  await editor.fill('{"":'.repeat(1001));
  await page.getByText(/Document nesting depth \(1001\) exceeds the maximum allowed \(1000/).first().waitFor();
  assert.equal(await page.getByText(/Something went wrong inside the workshop/).count(), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('an event as deep as AWS allows goes through the page, against a pattern nearly as deep', async () => {
  const { ctx, page, errors } = await fresh();
  await page.goto(url);
  await page.getByRole('tab', { name: /Rules & targets/ }).click();
  // 790 empty keys under `detail` fill nearly all of the 4096 characters a pattern may have.
  const keys = 790;
  const pattern = '{"detail":' + '{"":'.repeat(keys) + '{"c":[1]}' + '}'.repeat(keys) + '}';
  assert.ok(pattern.length <= 4096);
  await page.getByLabel('Event pattern of orders-catchall').fill(pattern);
  // The event, `detail`, the keys' objects and the one holding `c` are keys + 2 levels; arrays
  // beside `c` make the event 1000 levels deep, then 1001.
  const event = (levels) => {
    const arrays = levels - keys - 2;
    return '{"source":"Order Service","detail-type":"New Order","detail":' + '{"":'.repeat(keys) +
      '{"c":1,"deep":' + '['.repeat(arrays) + '1' + ']'.repeat(arrays) + '}' + '}'.repeat(keys) + '}';
  };
  await page.getByRole('tab', { name: 'Sample events' }).click();
  const custom = page.getByLabel('Custom event (source, detail-type, detail)');
  await custom.fill(event(1000));
  await page.getByRole('button', { name: 'Send custom event' }).click();
  const line = page.locator('.rule-verdict', { hasText: 'orders-catchall' }).first();
  await line.getByText(/^matched$/).waitFor();
  // The viewport only: the whole page, with the event written out in every view, is over
  // 100,000 pixels tall.
  await page.screenshot({ path: join(screenshotDir, 'deepest-event.png') });
  await page.getByRole('tab', { name: 'Sample events' }).click();
  await custom.fill(event(1001));
  await page.getByText(/Document nesting depth \(1001\) exceeds the maximum allowed \(1000/).first().waitFor();
  assert.equal(await page.getByText(/Something went wrong inside the workshop/).count(), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});
