// The dashboard's shell in a real browser: it loads from the binary under a strict CSP, logs an
// operator in with the HttpOnly cookie, logs out, and never requests anything off the origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { World } from '../support/world.js';
import { launch, openPage, accessibilityViolations, screenshot, logIn } from '../support/browser.js';

let world;
let browser;

before(async () => {
  world = await new World().start();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await world?.stop();
});

test('the page is served from the binary with a strict content security policy', async () => {
  const answer = await fetch(`${world.opsUrl}/ops/`);
  assert.equal(answer.status, 200);
  const csp = answer.headers.get('content-security-policy');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(answer.headers.get('x-frame-options'), 'DENY');
  const html = await answer.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  const etag = answer.headers.get('etag');
  const again = await fetch(`${world.opsUrl}/ops/app.js`, { headers: { 'If-None-Match': 'x' } });
  assert.equal(again.status, 200);
  const cached = await fetch(`${world.opsUrl}/ops/`, { headers: { 'If-None-Match': etag } });
  assert.equal(cached.status, 304);
  assert.equal((await fetch(`${world.opsUrl}/ops/nothing.js`)).status, 404);
  // The vendor listener never serves the dashboard.
  assert.equal((await fetch(`${world.vendorUrl}/ops/`)).status, 404);
});

test('an operator logs in with the cookie and logs out', async () => {
  const page = await openPage(browser);
  await page.goto(`${world.opsUrl}/ops/`);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'login');

  await page.getByLabel('User name').fill(world.accounts.viewer.name);
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('The user name or password is incorrect.').waitFor();

  await logIn(page, world, world.accounts.viewer);
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'relay_ops_session');
  assert.ok(session, 'session cookie set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie.includes('relay_ops_session')), false);
  assert.match(await page.locator('#session-role').textContent(), /viewer/);

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  const origin = new URL(world.opsUrl).origin;
  for (const url of page.requests) assert.equal(new URL(url).origin, origin, url);
  assert.deepEqual(page.consoleErrors.filter((e) => !/401/.test(e)), []);
  await page.context().close();
});
