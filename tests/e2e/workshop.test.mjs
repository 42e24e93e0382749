// The built workshop, opened as a user opens it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, openBrowser, openPage, screenshot, isLoopback } from './harness.mjs';

let server, url, browser;

before(async () => {
  ({ server, url } = await serveDist());
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('the page renders the workshop architecture with no console errors', async () => {
  const { page, problems, requests } = await openPage(browser, url);
  await page.getByText('orders-catchall').first().waitFor({ timeout: 10_000 });
  for (const text of ['EventBridge Workshop', 'ordergen-function', 'payments-catchall',
    'buildkite-catchall', '/aws/events/orders-catchall', 'InputTransformer']) {
    assert.ok(await page.getByText(text).first().isVisible(), `visible: ${text}`);
  }
  assert.equal(await page.locator('.lane').count(), 3, 'one lane per bus');
  await screenshot(page, 'architecture');
  assert.deepEqual(problems, [], 'no console errors');
  assert.deepEqual(requests.filter((r) => !isLoopback(r)), [], 'no request leaves loopback');
  await page.close();
});
