// Debian's chromium driven by playwright-core (never a browser download), headless, with the
// flags this network needs; every request the page makes is recorded so tests can prove none
// leaves the gateway's origin; axe-core runs inside the page for accessibility checks.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './world.js';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const artefactDir = process.env.RELAY_BROWSER_ARTEFACTS ||
  join(repoRoot, 'build', 'test-artefacts', 'dashboard');

export async function launch() {
  mkdirSync(artefactDir, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
}

// A page at `size` whose requests are recorded in page.requests (URLs) and console errors in
// page.consoleErrors (CSP violations show up there).
export async function openPage(browser, size = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport: size });
  const page = await context.newPage();
  page.requests = [];
  page.consoleErrors = [];
  page.on('request', (request) => page.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') page.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => page.consoleErrors.push(String(error)));
  return page;
}

// axe-core's serious and critical violations on the page as it is now.
export async function accessibilityViolations(page) {
  // evaluate() runs through the DevTools protocol, so the page's CSP (no inline script) does not
  // stop axe from being loaded for the check.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

// Saves build/test-artefacts/dashboard/<name>.png: the whole page, or only the viewport (the
// README's 1280x800 overview) with { fullPage: false }.
export async function screenshot(page, name, { fullPage = true } = {}) {
  const path = join(artefactDir, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

// Every request the page made went to the gateway's operations origin.
export function offOriginRequests(page, world) {
  const origin = new URL(world.opsUrl).origin;
  return page.requests.filter((url) => new URL(url).origin !== origin);
}

export async function logIn(page, world, account) {
  await page.goto(`${world.opsUrl}/ops/`);
  await page.getByLabel('User name').fill(account.name);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
