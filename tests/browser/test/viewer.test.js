// A viewer's dashboard: every view readable with no action button and no patient data, the server
// refusing a viewer's actions anyway, nothing requested off the gateway's origin; a narrow window
// and the keyboard reach everything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { World, waitUntil } from '../support/world.js';
import {
  launch, openPage, accessibilityViolations, screenshot, logIn, offOriginRequests,
} from '../support/browser.js';

let world;
let browser;
let messageId;

const phi = /Referral - cardiology|Please review|Ana Ruiz|PAT-4711|PAT-4712|REP-88|PAT-VIEW-GONE/;
const actionNames = /retry|cancel|pause|resume|reveal/i;

before(async () => {
  world = await new World().start({ simulatorSettings: { unknown_patients: ['PAT-VIEW-GONE'] } });
  browser = await launch();
  await world.postMessage({ externalId: 'VIEW-1' });
  await world.postMessage({
    externalId: 'VIEW-DEAD',
    patients: [{ externalId: 'PAT-VIEW-GONE', isRepresentative: false, representativeExternalId: '' }],
  });
  await waitUntil(() => world.sql("SELECT count(*) FROM deliveries WHERE state = 'dead'") === '1' &&
    world.sql("SELECT count(*) FROM deliveries WHERE state = 'completed'") === '2', 'relaying done', 30000);
  messageId = world.sql("SELECT id FROM messages WHERE external_id = 'VIEW-1'");
});

after(async () => {
  await browser?.close();
  await world?.stop();
});

async function show(page, hash, ready) {
  await page.evaluate((target) => { location.hash = target; }, hash);
  await page.locator(ready).first().waitFor({ timeout: 10000 });
}

test('a viewer sees every view with no action and no patient data; the server refuses actions', async () => {
  const page = await openPage(browser);
  await logIn(page, world, world.accounts.viewer);
  const views = [
    ['#/overview', 'tr[data-vendor="acme"]'],
    ['#/deliveries?state=dead', 'tr[data-delivery-id]'],
    ['#/deliveries', 'tr[data-delivery-id]'],
    [`#/messages/${messageId}`, '#timeline li'],
    ['#/messages', '#lookup-vendor'],
    ['#/webhooks', '#webhook-events tbody tr'],
    ['#/audit', '#audit-events tbody tr'],
    ['#/pauses', '#global-pause-state'],
  ];
  for (const [hash, ready] of views) {
    await show(page, hash, ready);
    const buttons = await page.locator('main button').allTextContents();
    assert.deepEqual(buttons.filter((name) => actionNames.test(name)), [], `${hash}: ${buttons}`);
    assert.doesNotMatch(await page.locator('body').textContent(), phi, hash);
    assert.deepEqual(await accessibilityViolations(page), [], `axe on ${hash}`);
  }
  await show(page, '#/deliveries?state=dead', 'tr[data-delivery-id]');
  assert.match(await page.locator('tr[data-delivery-id]').textContent(), /•••/);
  await screenshot(page, 'viewer-deliveries');

  // The page hides the actions; the server refuses them even with the session's CSRF token.
  const deadId = world.sql("SELECT id FROM deliveries WHERE state = 'dead'");
  const statuses = await page.evaluate(async ({ id, message }) => {
    const session = await (await fetch('/ops/api/session')).json();
    const headers = { 'X-CSRF-Token': session.csrf_token };
    return [
      (await fetch(`/ops/api/deliveries/${id}/retry`, { method: 'POST', headers })).status,
      (await fetch('/ops/api/deliveries/retry?state=dead', { method: 'POST', headers })).status,
      (await fetch('/ops/api/pause', { method: 'POST', headers })).status,
      (await fetch(`/ops/api/messages/${message}?reveal=1`)).status,
    ];
  }, { id: deadId, message: messageId });
  assert.deepEqual(statuses, [403, 403, 403, 403]);
  assert.equal(world.sql("SELECT count(*) FROM deliveries WHERE state = 'dead'"), '1');

  assert.deepEqual(offOriginRequests(page, world), []);
  assert.deepEqual(page.consoleErrors.filter((e) => !/status of 40[13]/.test(e)), []);
  await page.context().close();
});

test('a narrow window (400 px) shows every view without losing content', async () => {
  const page = await openPage(browser, { width: 400, height: 800 });
  await logIn(page, world, world.accounts.operator);
  for (const [hash, ready, name] of [
    ['#/overview', 'tr[data-vendor="acme"]', 'overview-narrow'],
    ['#/deliveries?state=dead', 'tr[data-delivery-id]', 'deliveries-narrow'],
    [`#/messages/${messageId}`, '#timeline li', 'message-narrow'],
  ]) {
    await show(page, hash, ready);
    assert.deepEqual(await accessibilityViolations(page), [], `axe on ${hash} at 400 px`);
    // The page itself never scrolls sideways; wide tables scroll inside their own region.
    const overflow = await page.evaluate(() => ({
      by: document.documentElement.scrollWidth - window.innerWidth,
      culprits: [...document.querySelectorAll('main *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
        .slice(0, 3).map((e) => `${e.tagName}.${e.className}`),
    }));
    assert.ok(overflow.by <= 1, `${hash} overflows by ${overflow.by} px: ${overflow.culprits}`);
    await screenshot(page, name);
  }
  assert.deepEqual(offOriginRequests(page, world), []);
  await page.context().close();
});

test('the keyboard reaches the navigation, a view and its actions, with focus visible', async () => {
  const page = await openPage(browser);
  await logIn(page, world, world.accounts.operator);
  await page.reload();
  await page.locator('tr[data-vendor="acme"]').waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  // Tab to the "Deliveries" link and follow it with Enter.
  for (let i = 0; i < 10; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.textContent) === 'Deliveries') break;
  }
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Deliveries');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await page.keyboard.press('Enter');
  await page.locator('#f-state').waitFor();
  await page.locator('#f-state').selectOption('dead');
  await page.locator('#f-vendor').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('state=dead'));
  await page.locator('tr[data-delivery-id]').waitFor();
  // The row's retry button is reachable by Tab from the filter form.
  const deadId = world.sql("SELECT id FROM deliveries WHERE state = 'dead'");
  let reached = false;
  for (let i = 0; i < 30 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(
      (label) => document.activeElement.getAttribute('aria-label') === label, `Retry delivery ${deadId}`);
  }
  assert.ok(reached, 'the row retry button takes focus');
  await page.context().close();
});
