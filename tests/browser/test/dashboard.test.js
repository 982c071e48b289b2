// The dashboard's views doing their jobs in a real browser against a real gateway, PostgreSQL and
// the Metriport simulator: live counts, a message's timeline and audited reveal, a dead delivery
// retried from its row, a bulk retry previewed before it runs, pause and resume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { World, waitUntil, repoRoot } from '../support/world.js';
import {
  launch, openPage, accessibilityViolations, screenshot, logIn, offOriginRequests,
} from '../support/browser.js';

let world;
let browser;
let admin;
let operator;

before(async () => {
  world = await new World().start();
  browser = await launch();
  admin = await openPage(browser);
  await logIn(admin, world, world.accounts.admin);
  operator = await openPage(browser);
  await logIn(operator, world, world.accounts.operator);
});

after(async () => {
  for (const page of [admin, operator]) {
    if (!page) continue;
    assert.deepEqual(offOriginRequests(page, world), [], 'every request stays on the gateway origin');
    assert.deepEqual(page.consoleErrors.filter((e) => !/status of 40[13]/.test(e)), []);
  }
  await browser?.close();
  await world?.stop();
});

const count = (sql) => Number(world.sql(sql));

function deliveryIdsOf(externalId) {
  return world.sql(`SELECT d.id FROM deliveries d JOIN messages m ON m.id = d.message_id
                    WHERE m.external_id = '${externalId}' ORDER BY d.id`).split('\n').map(Number);
}

async function show(page, hash, ready) {
  await page.evaluate((target) => { location.hash = target; }, hash);
  await page.locator(ready).first().waitFor({ timeout: 10000 });
}

async function assertAccessible(page, what) {
  assert.deepEqual(await accessibilityViolations(page), [], `axe on ${what}`);
}

test('the overview counts change while messages flow, with the hour per minute charted', async () => {
  await show(admin, '#/overview', 'tr[data-vendor=""]');
  const completed = admin.locator('tr[data-vendor=""] td[data-state="completed"]');
  assert.equal((await completed.textContent()).trim(), '0');

  await world.postMessage({ externalId: 'FLOW-1' });
  await world.postMessage({ externalId: 'FLOW-2' });
  // The live refresh (every 5 s) shows the four deliveries completing, with no reload.
  await completed.filter({ hasText: /^4$/ }).waitFor({ timeout: 30000 });
  await admin.locator('tr[data-vendor="acme"]').waitFor();
  assert.equal(await admin.locator('#relay-status').textContent(), 'Relaying');
  assert.equal(await admin.locator('#metriport-status').textContent(), 'Healthy');
  await admin.locator('#webhook-status', { hasText: /ago/ }).waitFor({ timeout: 15000 });
  // The chart is the server's hour per minute (read at most every 30 s): a reload reads it anew.
  await admin.reload();
  const chart = admin.locator('svg.chart');
  await chart.waitFor();
  assert.match(await chart.getAttribute('aria-label'), /completions 4\b/);
  const points = await admin.locator('svg.chart polyline.series.completions').getAttribute('points');
  assert.equal(points.trim().split(' ').length, 60);
  await assertAccessible(admin, 'the overview');
  await screenshot(admin, 'overview');
  const readme = await screenshot(admin, 'overview-1280x800', { fullPage: false });
  if (process.env.RELAY_UPDATE_DOCS_SCREENSHOT === '1') {
    mkdirSync(join(repoRoot, 'docs'), { recursive: true });
    copyFileSync(readme, join(repoRoot, 'docs', 'dashboard-overview.png'));
  }
});

test('a message view shows deliveries, sends and webhooks; content only on an audited reveal', async () => {
  const id = world.sql("SELECT id FROM messages WHERE external_id = 'FLOW-1'");
  await show(admin, `#/messages/${id}`, '#timeline');
  await admin.locator('#timeline li[data-kind="webhook"]').nth(1).waitFor({ timeout: 20000 });
  assert.equal(await admin.locator('#timeline li[data-kind="metriport_send_accepted"]').count(), 2);
  assert.equal(await admin.locator('tr[data-delivery-id]').count(), 2);
  const text = await admin.locator('main').textContent();
  assert.doesNotMatch(text, /Referral - cardiology|Please review|Ana Ruiz|PAT-4711/);
  await assertAccessible(admin, 'the message view');
  await screenshot(admin, 'message');

  const reveal = admin.getByRole('button', { name: 'Reveal content (audited)' });
  await reveal.click();
  await admin.locator('#revealed-subject', { hasText: 'Referral - cardiology' }).waitFor();
  assert.match(await admin.locator('#revealed-body').textContent(), /Please review/);
  assert.equal(count(`SELECT count(*) FROM audit_events WHERE event = 'message.revealed'
                      AND actor = 'operator:ada' AND entity_id = '${id}'`), 1);
  // The operator sees no reveal button (the server refuses operators' reveals anyway).
  await show(operator, `#/messages/${id}`, '#timeline');
  assert.equal(await operator.getByRole('button', { name: /Reveal/ }).count(), 0);
});

test('a dead delivery is retried from its row and completes; a bulk retry previews its count', async () => {
  await world.simulator('/_sim/settings', { unknown_patients: ['PAT-GONE-1', 'PAT-GONE-2', 'PAT-GONE-3'] });
  const patient = (externalId) => ({ externalId, isRepresentative: false, representativeExternalId: '' });
  await world.postMessage({ externalId: 'DEAD-1', patients: [patient('PAT-GONE-1')] });
  await world.postMessage({ externalId: 'DEAD-2', patients: [patient('PAT-GONE-2'), patient('PAT-GONE-3')] });
  await waitUntil(() => count("SELECT count(*) FROM deliveries WHERE state = 'dead'") === 3,
    'three dead deliveries', 30000);

  await show(operator, '#/deliveries?state=dead', 'tr[data-delivery-id]');
  await operator.locator('#delivery-total', { hasText: /of 3 deliveries/ }).waitFor();
  await assertAccessible(operator, 'the deliveries view');
  await screenshot(operator, 'deliveries');

  // The patient appears at Metriport; one delivery is retried from its row.
  await world.simulator('/_sim/settings', { unknown_patients: [] });
  const [single] = deliveryIdsOf('DEAD-1');
  await operator.getByRole('button', { name: `Retry delivery ${single}` }).click();
  await operator.locator('#action-status', { hasText: `Delivery ${single} retried: now queued.` }).waitFor();
  await waitUntil(() => world.sql(`SELECT state FROM deliveries WHERE id = ${single}`) === 'completed',
    'the retried delivery completes', 30000);
  await show(operator, '#/deliveries?vendor=acme', 'tr[data-delivery-id]');
  await operator.locator(`tr[data-delivery-id="${single}"][data-state="completed"]`).waitFor({ timeout: 15000 });

  // Bulk: the dry run's count is shown and nothing changes until it is confirmed.
  await show(operator, '#/deliveries?state=dead', 'tr[data-delivery-id]');
  await operator.getByRole('button', { name: 'Retry all matching…' }).click();
  const dialog = operator.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.locator('#bulk-preview').textContent(),
    /^2 of the 2 deliveries matching state dead would be retried/);
  await assertAccessible(operator, 'the bulk confirmation');
  await screenshot(operator, 'deliveries-bulk-preview', { fullPage: false });
  assert.equal(count("SELECT count(*) FROM deliveries WHERE state = 'dead'"), 2);
  await dialog.getByRole('button', { name: 'Retry 2' }).click();
  await operator.locator('#action-status', { hasText: '2 deliveries retried (2 matched, 0 skipped).' }).waitFor();
  await waitUntil(() => count("SELECT count(*) FROM deliveries WHERE state <> 'completed'") === 0,
    'every delivery completes', 30000);
  // Audited: one action for the row, one for the bulk retry (the dry run changes nothing).
  assert.equal(count("SELECT count(*) FROM audit_events WHERE actor = 'operator:otto' AND event = 'deliveries.retry'"), 2);
});

test('a pause shows the banner and holds sends; resume lets them go', async () => {
  await show(operator, '#/pauses', '#global-pause-state');
  await operator.getByRole('button', { name: 'Pause all vendors' }).click();
  const banner = operator.locator('#banner');
  await banner.filter({ hasText: 'Relaying is paused: all vendors' }).waitFor({ timeout: 5000 });
  await assertAccessible(operator, 'the pauses view');
  await screenshot(operator, 'pauses');

  const sendsBefore = (await world.simulator('/_sim/counters')).sends_accepted;
  await world.postMessage({ externalId: 'PAUSED-1' });
  // Several poll intervals (200 ms) pass with the deliveries queued and nothing sent.
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal((await world.simulator('/_sim/counters')).sends_accepted, sendsBefore);
  assert.equal(world.sql(`SELECT string_agg(DISTINCT d.state, ',') FROM deliveries d JOIN messages m
                          ON m.id = d.message_id WHERE m.external_id = 'PAUSED-1'`), 'queued');
  // The admin's page shows the banner too (on its next refresh).
  await show(admin, '#/overview', '#relay-status');
  await admin.locator('#banner', { hasText: 'Relaying is paused' }).waitFor({ timeout: 10000 });
  assert.equal(await admin.locator('#relay-status').textContent(), 'Paused (all vendors)');

  await operator.getByRole('button', { name: 'Resume all vendors' }).click();
  await banner.waitFor({ state: 'hidden', timeout: 5000 });
  await waitUntil(() => count("SELECT count(*) FROM deliveries WHERE state <> 'completed'") === 0,
    'the held deliveries complete', 30000);

  // One vendor's pause, from its row.
  await operator.getByRole('button', { name: 'Pause vendor acme' }).click();
  await banner.filter({ hasText: 'vendor acme' }).waitFor({ timeout: 5000 });
  await operator.getByRole('button', { name: 'Resume vendor acme' }).click();
  await banner.waitFor({ state: 'hidden', timeout: 5000 });
  assert.equal(count('SELECT count(*) FROM relay_pauses'), 0);
});

test('webhooks and the audit log list what happened, filtered', async () => {
  await show(admin, '#/webhooks', '#webhook-events tbody tr');
  assert.ok(await admin.locator('#webhook-events tbody tr').count() >= 4);
  await assertAccessible(admin, 'the webhooks view');
  await screenshot(admin, 'webhooks');

  await show(admin, '#/audit?actor=operator:otto', '#audit-events tbody tr');
  const actions = await admin.locator('#audit-events tbody tr').evaluateAll(
    (rows) => rows.map((row) => row.dataset.action));
  assert.ok(actions.includes('deliveries.retry'), actions.join());
  assert.ok(actions.every((a) => a !== undefined));
  await admin.getByLabel('Action').fill('relay.paused');
  await admin.getByRole('button', { name: 'Apply filter' }).click();
  await admin.waitForFunction(() => location.hash.includes('action=relay.paused'));
  // The global pause and the vendor's, and nothing else.
  await admin.locator('#audit-events tbody tr[data-action="relay.paused"]').nth(1).waitFor();
  assert.equal(await admin.locator('#audit-events tbody tr:not([data-action="relay.paused"])').count(), 0);
  await assertAccessible(admin, 'the audit log');
  await screenshot(admin, 'audit');
});
