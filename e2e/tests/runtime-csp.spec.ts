import { expect, type Page, test } from '@playwright/test';
import { buildRelease } from './runtime-helpers/build.js';
import { openExpecting } from './runtime-helpers/page.js';
import { type ReleaseServer, startReleaseServer } from './runtime-helpers/server.js';

// The inline guard under a real Content-Security-Policy header: with a per-response nonce (the server fills
// in Vite's html.cspNonce placeholder and the guard's nonce attribute, as a server template would), and,
// for a CSP without nonces, the guard as an external file under script-src 'self'. Each case has a control
// in which the CSP blocks the guard, so a passing case shows the guard ran because the CSP let it.
const NONCE_POLICY = "script-src 'nonce-{nonce}'";
const SELF_POLICY = "script-src 'self'";
/** The entry script gone for good: only the guard can notice (vite:preloadError never fires for it). */
const ENTRY = /^\/assets\/index-[^/]*\.js$/;

let nonce = '';
let external = '';
let inline = '';
let server: ReleaseServer | undefined;

test.beforeAll(async () => {
  nonce = await buildRelease('csp-nonce', 'r1', 'nonce');
  external = await buildRelease('csp-external', 'r1', 'external');
  inline = await buildRelease('csp-inline', 'r1', 'inline');
});

test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The CSP violations Chromium reports on the console. */
function violations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/.test(message.text())) seen.push(message.text());
  });
  return seen;
}

test("nonce mode: the inline guard runs under script-src 'nonce-…': a gone entry reloads once, then the app works", async ({
  page,
}) => {
  server = await startReleaseServer(nonce);
  server.csp(NONCE_POLICY);
  server.deny(ENTRY);
  const blocked = violations(page);
  await openExpecting(page, server.url, 2);
  expect(server.documents).toHaveLength(2);
  // The entry back: the whole nonce'd page works under the same policy (entry, modulepreload, lazy chunk),
  // so the policy is not just blocking everything.
  server.deny();
  await page.goto(server.url);
  await expect(page.locator('#home')).toHaveText('home r1');
  await page.click('#open');
  await expect(page.locator('#out')).toHaveText('lazy r1');
  // Every response had its own nonce, and nothing was blocked (the entry's 404 is no CSP violation).
  expect(server.nonces).toHaveLength(3);
  expect(new Set(server.nonces).size).toBe(3);
  expect(blocked).toEqual([]);
});

test('control: the header carries a nonce the guard does not have: the guard is blocked, no reload', async ({
  page,
}) => {
  server = await startReleaseServer(nonce);
  server.csp(NONCE_POLICY, { nonceInDocument: false });
  server.deny(ENTRY);
  const blocked = violations(page);
  await openExpecting(page, server.url, 1);
  expect(blocked.length).toBeGreaterThan(0);
});

test("external mode: the guard file runs under script-src 'self'; a gone entry reloads once", async ({
  page,
}) => {
  server = await startReleaseServer(external);
  server.csp(SELF_POLICY);
  server.deny(ENTRY);
  await openExpecting(page, server.url, 2);
  expect(server.log).toContain('200 /skewless-guard.js');
});

test("control: the inline guard under script-src 'self' is blocked: no reload", async ({ page }) => {
  server = await startReleaseServer(inline);
  server.csp(SELF_POLICY);
  server.deny(ENTRY);
  const blocked = violations(page);
  await openExpecting(page, server.url, 1);
  expect(blocked.length).toBeGreaterThan(0);
});
