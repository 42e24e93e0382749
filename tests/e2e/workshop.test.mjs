// The built workshop, opened and used as a person would: by visible labels and text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, openBrowser, screenshot, isLoopback, watch } from './harness.mjs';

let server, url, browser;

before(async () => {
  ({ server, url } = await serveDist());
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function fresh() {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  return { ctx, page, ...watch(page) };
}

/** The workshop's Forecast rule, whose pattern most verdict tests replace. */
const FORECAST = 'forecast-app-ForecastFunctionNewOrder-1A2B3C4D5E6F';

/** A rule's pattern editor on the "Rules & targets" tab. */
const patternOf = (page, rule) => page.getByLabel(`Event pattern of ${rule}`);

/** A rule's verdict card in the results (the first, when several events were replayed). */
const verdictOf = (page, rule) => page.locator('.rule-verdict', { hasText: rule }).first();

/** Opens the workshop, gives the Forecast rule `pattern`, replays New Order: the rule's card. */
async function replayNewOrderWithForecast(page, pattern) {
  await page.goto(url);
  await page.getByRole('tab', { name: 'Rules & targets' }).click();
  await patternOf(page, FORECAST).fill(pattern);
  await page.getByRole('button', { name: 'New Order', exact: true }).click();
  return verdictOf(page, FORECAST);
}

test('the page renders the workshop with no console errors and no request off loopback', async () => {
  const started = Date.now();
  const { ctx, page, problems, requests } = await fresh();
  await page.goto(url);
  await page.getByRole('button', { name: 'rule orders-catchall' }).waitFor({ timeout: 10_000 });
  const firstRenderMs = Date.now() - started;
  console.log(`metric: first render ${firstRenderMs} ms`);
  for (const text of ['EventBridge Workshop', 'ordergen-function', 'payments-catchall', 'buildkite-catchall']) {
    assert.ok(await page.locator('h1, svg text', { hasText: text }).first().isVisible(), `visible: ${text}`);
  }
  await screenshot(page, 'architecture');
  assert.deepEqual(problems, []);
  assert.deepEqual(requests.filter((r) => !isLoopback(r)), []);
  await ctx.close();
});

test('replaying each sample shows the payload each target receives', async () => {
  const { ctx, page, problems } = await fresh();
  await page.goto(url);
  await page.getByRole('button', { name: 'New Order', exact: true }).click();
  await page.getByText('→ ForecastFunctionNewOrderLambdaTarget received').waitFor();
  const forecast = page.locator('.payload', { hasText: 'ForecastFunctionNewOrderLambdaTarget received' });
  assert.match(await forecast.locator('pre.pretty').innerText(), /"order_id": 12345/);
  // Schema discovery's rule shows where the event went: the registry, and what it made of it.
  const discovery = page.locator('.rule-verdict', { hasText: 'Schemas-events-event-bus-orders' });
  assert.equal(await discovery.locator('.discovered').innerText(),
    '→ schema discovery on orders: a new schema, Order-Service@NewOrder version 1; see Schemas.');
  await forecast.getByText(/Exact bytes/).click();
  assert.equal(await forecast.locator('pre.exact').innerText(),
    '{"order_id": 12345,"order_date": "2020-05-24 07:38:01.979602","items": [{"product_id":"shoe_07","qty":1,"price":40.0}]}');
  await screenshot(page, 'results-new-order');

  await page.getByRole('button', { name: 'Stripe: payment_intent.created' }).click();
  await page.getByText('payment_intent.created · stripe → payments').waitFor();
  await page.getByRole('button', { name: 'Stripe: payment_intent.succeeded' }).click();
  await page.getByText('payment_intent.succeeded · stripe → payments').waitFor();

  await page.getByRole('button', { name: 'Stripe: payment with an apostrophe' }).click();
  await page.getByText(/PutEvents answered 400, Stripe got HTTP 200/).waitFor();
  await page.getByText('No event reached a bus.').waitFor();
  await page.getByRole('tab', { name: 'API Gateway' }).click();
  assert.match(await page.locator('.trace').first().innerText(), /Jane\\'s/);
  assert.match(await page.locator('.trace').first().innerText(), /SerializationException/);
  // The steps are numbered once, by the list.
  const steps = await page.locator('.trace').first().locator('ol.steps > li').allInnerTexts();
  assert.equal(steps.length, 5);
  for (const step of steps) assert.doesNotMatch(step.trim(), /^\d\./, step);
  await screenshot(page, 'api-gateway-apostrophe');

  await page.getByRole('button', { name: 'Buildkite: run a build' }).click();
  await page.getByText(/Build Finished · aws.partner\/buildkite.com/).waitFor();
  await page.getByRole('tab', { name: 'Logs' }).click();
  await page.locator('.insights-rows td', { hasText: 'Build Finished' }).first().waitFor();
  // @timestamp shows as a date (as GetQueryResults gives it), newest first.
  const stamps = await page.locator('.insights-rows tbody tr td:first-child').allInnerTexts();
  assert.ok(stamps.length > 1);
  for (const t of stamps) assert.match(t, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/, t);
  assert.deepEqual([...stamps].sort().reverse(), stamps);
  await screenshot(page, 'logs-insights');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('breaking a pattern shows ✘ with the reason, and invalid JSON shows its position', async () => {
  const { ctx, page, problems } = await fresh();
  const line = await replayNewOrderWithForecast(page, '{"source": ["Order Service"], "detail-type": ["new order"]}');
  const pattern = patternOf(page, FORECAST);
  await line.getByText('did not match').waitFor();
  assert.match(await line.innerText(), /failed on `detail-type`: expected "new order", got "New Order"; case differs/);
  // Keyboard: the rule in the diagram opens its verdict with Enter.
  await page.getByRole('button', { name: `rule ${FORECAST}` }).focus();
  await page.keyboard.press('Enter');
  await line.locator('.leaves').waitFor();
  // Open, the reason is said once (by the verdict tree), not also on the rule's line.
  const reasons = (await line.innerText()).match(/failed on `detail-type`/g) ?? [];
  assert.equal(reasons.length, 1, 'the reason appears once');
  await line.locator('.leaves tr.fail').first().click();
  assert.equal(await line.locator('.mark-highlight').count() > 0, true, 'clicking a row highlights spans');
  await screenshot(page, 'verdict-tree');

  await page.getByRole('tab', { name: 'Rules & targets' }).click();
  await pattern.fill('{"source": ["Order Service"], "detail-type": [}');
  const error = page.locator('.editor', { has: pattern }).locator('.editor-error');
  await error.waitFor();
  // Jackson closes scopes before anything else: a brace in an array is a mismatched close marker.
  assert.match(await error.innerText(), /Line 1, column 47: Event pattern is not valid\. Reason: Unexpected close marker '\}': expected '\]' \(for Array starting at \[Source: \(String\)".*"; line: 1, column: 46\]\)/);
  // On the results, the rule says its pattern is not valid rather than "did not match".
  await page.getByRole('tab', { name: 'Results' }).click();
  await line.getByText('pattern not valid').waitFor();
  assert.doesNotMatch(await line.locator('.rule-line').innerText(), /did not match/);
  await page.getByRole('tab', { name: /Rules & targets 1 error/ }).waitFor();
  // The page stays alive.
  await page.getByRole('button', { name: 'Replay all' }).click();
  await page.getByText(/Build Finished/).first().waitFor();
  await screenshot(page, 'pattern-error');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('schema discovery\'s managed rule can be read but not changed, as in AWS', async () => {
  const { ctx, page, problems } = await fresh();
  await page.goto(url);
  await page.getByRole('tab', { name: 'Rules & targets' }).click();
  const card = page.locator('.rule-card', { hasText: 'Schemas-events-event-bus-orders' });
  const pattern = card.getByLabel('Event pattern of Schemas-events-event-bus-orders');
  assert.equal(await pattern.getAttribute('readonly') !== null, true, 'its pattern is read-only');
  assert.equal(await card.getByRole('checkbox').isDisabled(), true, 'it cannot be disabled');
  assert.equal(await card.getByRole('button', { name: 'Remove rule' }).count(), 0);
  assert.match(await card.locator('.managed').innerText(), /managed by schemas\.amazonaws\.com: AWS refuses to change it \(PutRule, EnableRule and DisableRule answer ManagedRuleException\)/);
  assert.match(await card.innerText(), /Like AWS, the workshop lists no target for it\./);
  // The rule beside it still takes edits.
  const other = page.locator('.rule-card', { hasText: 'orders-catchall' });
  assert.equal(await other.getByLabel('Event pattern of orders-catchall').getAttribute('readonly'), null);
  assert.equal(await other.getByRole('checkbox').isDisabled(), false);
  await screenshot(page, 'managed-rule');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a share link reopens the same state and results; a reload keeps the state', async () => {
  const { ctx, page, problems } = await fresh();
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  await page.goto(url);
  await page.getByRole('tab', { name: 'Rules & targets' }).click();
  await patternOf(page, 'payments-catchall').fill('{"detail-type": ["payment_intent.succeeded"]}');
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByText('A link to this exact workshop was copied').waitFor();
  const link = page.url();
  assert.match(link, /#s1\./);
  await patternOf(page, 'payments-catchall').fill('{"detail-type": ["changed"]}');
  await page.getByText('Changed since shared').waitFor();

  // Editing took the link out of the address bar, so a reload keeps the edit.
  await page.reload();
  await page.getByRole('tab', { name: 'Rules & targets' }).click();
  assert.equal(await patternOf(page, 'payments-catchall').inputValue(), '{"detail-type": ["changed"]}');

  const { ctx: ctx2, page: shared } = await fresh();
  await shared.goto(link);
  await shared.getByText('Opened the shared workshop from the link.').waitFor();
  await shared.getByRole('tab', { name: 'Rules & targets' }).click();
  assert.equal(await shared.getByLabel('Event pattern of payments-catchall').inputValue(), '{"detail-type": ["payment_intent.succeeded"]}');
  await shared.getByRole('tab', { name: 'Results' }).click();
  await shared.getByText('payment_intent.created · stripe → payments (0 of 1 rules matched)').waitFor();
  assert.deepEqual(problems, []);
  await ctx.close();
  await ctx2.close();
});

test('a broken link shows a notice and falls back to the saved state', async () => {
  const { ctx, page, problems } = await fresh();
  await page.goto(`${url}#s1.this-is-not-a-real-link`);
  await page.getByText(/This share link could not be opened/).waitFor();
  await page.getByRole('button', { name: 'rule orders-catchall' }).waitFor();
  await screenshot(page, 'broken-link');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a keystroke re-evaluates the whole workshop quickly', async () => {
  const { ctx, page } = await fresh();
  await page.goto(url);
  await page.getByRole('button', { name: 'Replay all' }).click();
  await page.getByRole('tab', { name: 'Rules & targets' }).click();
  const pattern = patternOf(page, 'orders-catchall');
  const times = await page.evaluate(async () => {
    const area = [...document.querySelectorAll('textarea')].find((t) => t.closest('label')?.innerText.includes('Event pattern of orders-catchall'));
    const out = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      area.value = `{"source": [{"prefix": "${'O'.repeat(i % 2)}"}]}`;
      area.dispatchEvent(new InputEvent('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => r()));
      out.push(performance.now() - t0);
    }
    return out.sort((a, b) => a - b);
  });
  const median = times[Math.floor(times.length / 2)];
  console.log(`metric: keystroke to next frame, median ${median.toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
  assert.ok(await pattern.isVisible());
  await ctx.close();
});

test('Ctrl+Enter runs the last replay again, as the toolbar says', async () => {
  const { ctx, page, problems } = await fresh();
  await page.goto(url);
  await page.getByText('Ctrl/Cmd+Enter runs the last replay again (at first, all samples)').waitFor();
  // At first: every sample.
  await page.locator('body').press('Control+Enter');
  await page.getByText('payment_intent.succeeded · stripe → payments').waitFor();
  await page.getByText(/New Order · Order Service → orders/).waitFor();
  // After one sample: that sample only, with the edit made since.
  await page.getByRole('button', { name: 'Stripe: payment_intent.created' }).click();
  await page.getByRole('tab', { name: 'Rules & targets' }).click();
  await patternOf(page, 'payments-catchall').fill('{"source": ["nobody"]}');
  await page.locator('body').press('Control+Enter');
  await page.getByRole('tab', { name: 'Results', selected: true }).waitFor();
  const line = page.locator('.rule-verdict', { hasText: 'payments-catchall' });
  await line.getByText('did not match').waitFor();
  assert.equal(await page.getByText(/New Order · Order Service → orders/).count(), 0);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a verdict points at the slip: a typo in a value, a wildcard piece, array elements', async () => {
  const { ctx, page, problems } = await fresh();
  await page.goto(url);
  await page.getByRole('tab', { name: 'Rules & targets' }).click();
  // A typo in the pattern and a wildcard whose middle the event lacks; then two fields that
  // match in different elements of one array.
  await patternOf(page, 'orders-catchall')
    .fill('{"detail-type": ["New Ordr"], "detail": {"order_date": [{"wildcard": "2020-*T*"}]}}');
  await patternOf(page, FORECAST)
    .fill('{"detail": {"items": {"product_id": ["shoe_07"], "qty": [{"numeric": [">", 1]}]}}}');
  await page.getByRole('tab', { name: 'Sample events' }).click();
  await page.getByLabel('Custom event (source, detail-type, detail)')
    .fill('{"source":"Order Service","detail-type":"New Order","detail":{"order_date":"2020-05-24 07:38:01","items":[{"product_id":"shoe_07","qty":1},{"product_id":"hat_01","qty":3}]}}');
  await page.getByRole('button', { name: 'Send custom event' }).click();
  const typo = verdictOf(page, 'orders-catchall');
  await typo.getByText('did not match').waitFor();
  // Closed, the line gives the first reason; open, the verdict tree gives each field's.
  assert.match(await typo.innerText(), /close to "New Ordr"/);
  await typo.locator('.rule-line').click();
  await typo.locator('.leaves').waitFor();
  const said = await typo.innerText();
  assert.match(said, /close to "New Ordr": the event has an extra "e" at character 8/);
  assert.match(said, /"T" \(between the 1st and 2nd \*\) does not occur in the rest of the value, "05-24 07:38:01"/);
  // The slip is underlined in the event: the "e" the pattern lacks.
  assert.deepEqual(await typo.locator('.mark-error').allInnerTexts(), ['e']);
  const items = verdictOf(page, FORECAST);
  await items.getByText('did not match').waitFor();
  assert.match(await items.innerText(),
    /not within the same element of `detail\.items`: `product_id` in element 0, `qty` in element 1 \(counting from 0\)/);
  await screenshot(page, 'verdict-slips');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('an $or verdict says which branch matched, its branches in the same columns', async () => {
  const { ctx, page, problems } = await fresh();
  // Three branches of different widths: a number, a value that differs in case, a match.
  const rule = await replayNewOrderWithForecast(page,
    '{"source": ["Order Service"], "detail": {"$or": [{"order_id": [{"numeric": [">", 99999]}]}, ' +
    '{"customer": {"name": [{"prefix": "jane"}]}}, {"items": {"qty": [{"numeric": [">=", 1]}]}}]}}');
  await rule.getByText('matched', { exact: true }).waitFor();
  await rule.locator('.rule-line').click();
  await rule.locator('.leaves').first().waitFor();
  const said = await rule.innerText();
  assert.match(said, /matched \(through \$or branch 3 of 3\)/);
  assert.match(said, /\$or branch 1 of 3: ✘ not matched/);
  assert.match(said, /expected prefix "jane", got "Jane Doe"; case differs/);
  assert.match(said, /\$or branch 3 of 3: ✔ matched/);
  // Each column starts at the same place in every branch's table.
  const starts = await rule.locator('.leaves').evaluateAll((tables) =>
    tables.map((t) => [...t.querySelectorAll('th')].map((th) => Math.round(th.getBoundingClientRect().left))));
  assert.equal(starts.length, 3);
  assert.deepEqual(starts[1], starts[0]);
  assert.deepEqual(starts[2], starts[0]);
  await screenshot(page, 'verdict-or');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('an anything-but list\'s verdict names the entry that excluded the value', async () => {
  const { ctx, page, problems } = await fresh();
  const rule = await replayNewOrderWithForecast(page,
    '{"source": [{"anything-but": {"wildcard": ["*Payment*", "*Service", "Billing*"]}}]}');
  await rule.getByText('did not match').waitFor();
  assert.match(await rule.innerText(),
    /excluded by anything-but: the value matches the wildcard "\*Service"/);
  await screenshot(page, 'verdict-anything-but');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('an invalid pattern says what to write instead, beside AWS\'s message', async () => {
  const { ctx, page, problems } = await fresh();
  await page.goto(url);
  await page.getByRole('tab', { name: 'Rules & targets' }).click();
  const pattern = patternOf(page, 'orders-catchall');
  const error = page.locator('.editor', { has: pattern }).locator('.editor-error');
  await pattern.fill('{"source": [{"prefx": "Order"}]}');
  await error.waitFor();
  assert.match(await error.innerText(), /Reason: Unrecognized match type prefx[\s\S]*Hint: did you mean "prefix"\?/);
  await pattern.fill('{"source": "Order Service"}');
  await error.getByText('a field holds a list of values or operators: "source": ["Order Service"]').waitFor();
  // The whole value is underlined, not one character of it.
  const editor = page.locator('.editor', { has: pattern });
  assert.deepEqual(await editor.locator('.mark-error').allInnerTexts(), ['"Order Service"']);
  await screenshot(page, 'pattern-hint-editor');
  // The rule's card says it too.
  await page.getByRole('button', { name: 'New Order', exact: true }).click();
  const card = verdictOf(page, 'orders-catchall');
  await card.getByText('pattern not valid').waitFor();
  assert.match(await card.locator('.pattern-hint').innerText(), /"source": \["Order Service"\]/);
  await screenshot(page, 'pattern-hint');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('the format button tidies JSON and keeps numbers as written', async () => {
  const { ctx, page, problems } = await fresh();
  await page.goto(url);
  await page.getByRole('tab', { name: 'Sample events' }).click();
  const label = 'Custom event (source, detail-type, detail)';
  await page.getByLabel(label).fill('{"source":"s","detail-type":"d","detail":{"n":1.50}}');
  const format = page.locator('.editor', { has: page.getByRole('textbox', { name: label }) }).getByRole('button', { name: 'Format JSON' });
  await format.click();
  assert.equal(await page.getByLabel(label).inputValue(),
    '{\n  "source": "s",\n  "detail-type": "d",\n  "detail": {\n    "n": 1.50\n  }\n}');
  await page.getByLabel(label).fill('{"source": ');
  assert.equal(await format.isDisabled(), true);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a verdict says when Ruler decides differently from what a person expects: case spellings, IP fields', async () => {
  const { ctx, page, problems } = await fresh();
  await page.goto(url);
  await page.getByRole('tab', { name: 'Rules & targets' }).click();
  await patternOf(page, 'orders-catchall')
    .fill('{"detail": {"ip": [{"cidr": "10.0.0.0/8"}, {"prefix": "192."}]}}');
  await patternOf(page, FORECAST)
    .fill('{"detail": {"city": [{"equals-ignore-case": "Straße"}]}}');
  await page.getByRole('tab', { name: 'Sample events' }).click();
  await page.getByLabel('Custom event (source, detail-type, detail)')
    .fill('{"source":"Order Service","detail-type":"New Order","detail":{"ip":"192.168.0.1","city":"strasse"}}');
  await page.getByRole('button', { name: 'Send custom event' }).click();
  const ip = verdictOf(page, 'orders-catchall');
  await ip.getByText('did not match').waitFor();
  assert.match(await ip.innerText(), /EventBridge reads "192\.168\.0\.1" as an IP address, and then only IP tests can match it/);
  const city = verdictOf(page, FORECAST);
  await city.getByText('did not match').waitFor();
  assert.match(await city.innerText(), /"ß" stands for "ß" or "SS", and the event has "ss" there/);
  await screenshot(page, 'ruler-readings');
  assert.deepEqual(problems, []);
  await ctx.close();
});
