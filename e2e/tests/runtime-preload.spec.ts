import { expect, test } from '@playwright/test';
import { buildRelease } from './runtime-helpers/build.js';
import { countLoads, readLog, readLogs } from './runtime-helpers/page.js';
import { type ReleaseServer, startReleaseServer } from './runtime-helpers/server.js';

// @skewless/runtime on `vite:preloadError` (a lazy route's chunk and CSS), in real Chromium against a
// real Vite build; the inline guard is on the page too, as @skewless/vite puts it there.
let r1 = '';
let r2 = '';
let server: ReleaseServer | undefined;

test.beforeAll(async () => {
  r1 = await buildRelease('preload', 'r1');
  r2 = await buildRelease('preload', 'r2');
});

test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

test('a lazy chunk gone after a new release: exactly one reload, and the new page works', async ({
  page,
}) => {
  server = await startReleaseServer(r1);
  const loads = countLoads(page);
  await page.goto(server.url);
  await expect(page.locator('#home')).toHaveText('home r1');

  server.serve(r2);
  await page.click('#open');
  await expect(page.locator('#home')).toHaveText('home r2');
  await page.click('#open');
  await expect(page.locator('#out')).toHaveText('lazy r2');

  expect(loads.count).toBe(2);
  expect(server.documents).toHaveLength(2);
  expect(await readLog(page, 'fixture:skews')).toEqual([
    { action: 'reload', reason: 'new-release', current: 'r1', live: 'r2' },
  ]);
  expect(server.log.filter((line) => line.endsWith('/skewless.json'))).toEqual(['200 /skewless.json']);
});

test('a persistent 404 on the same release: one reload, then the error reaches the app', async ({ page }) => {
  server = await startReleaseServer(r1);
  server.deny(/^\/assets\/lazy-/);
  const loads = countLoads(page);
  await page.goto(server.url);
  await expect(page.locator('#home')).toHaveText('home r1');

  await page.click('#open');
  await expect.poll(() => loads.count).toBe(2);
  await expect(page.locator('#home')).toHaveText('home r1');
  await page.click('#open');
  await expect(page.locator('#out')).toHaveText(/^error: /);

  // The loop guard tripped (its window is 30 s): the second failure surfaced instead of reloading.
  expect(loads.count).toBe(2);
  const skews = (await readLog(page, 'fixture:skews')) ?? [];
  expect(skews[0]).toEqual({ action: 'reload', reason: 'same-release', current: 'r1', live: 'r1' });
  expect(skews.length).toBeGreaterThan(1);
  for (const later of skews.slice(1)) {
    expect(later).toEqual({ action: 'surface', reason: 'loop-guard', current: 'r1' });
  }
});

test('offline: no reload until the browser is back online, then one', async ({ page, context }) => {
  server = await startReleaseServer(r1);
  const loads = countLoads(page);
  await page.goto(server.url);
  await expect(page.locator('#home')).toHaveText('home r1');

  await context.setOffline(true);
  await page.click('#open');
  await expect
    .poll(() => readLog(page, 'fixture:skews'))
    .toEqual([{ action: 'wait', reason: 'offline', current: 'r1' }]);
  expect(loads.count).toBe(1);
  expect(await page.locator('#out').textContent()).toBe('');

  await context.setOffline(false);
  await expect.poll(() => loads.count).toBe(2);
  await page.click('#open');
  await expect(page.locator('#out')).toHaveText('lazy r1');
  expect(loads.count).toBe(2);
  expect((await readLog(page, 'fixture:skews'))?.[1]).toEqual({
    action: 'reload',
    reason: 'offline',
    current: 'r1',
    live: 'r1',
  });
});

test('a cancelled skewless:reload: no reload, onSkew saw it, and the import rejects in the app', async ({
  page,
}) => {
  server = await startReleaseServer(r1);
  const loads = countLoads(page);
  // ?cancel: the fixture's own skewless:reload listener calls preventDefault(), as an app with a dirty form.
  await page.goto(`${server.url}?cancel`);
  await expect(page.locator('#home')).toHaveText('home r1');

  server.serve(r2);
  await page.click('#open');
  // vite:preloadError was not prevented, so the failed import rejected and the app's catch ran: it did not
  // run on with an undefined module (the fixture returns early on undefined, leaving #out empty).
  await expect(page.locator('#out')).toHaveText(/^error: /);
  // The chunk and its CSS fail separately (Vite's preload and the inline guard each see a failure), so there
  // may be more than one ask; each ask dispatches the event and then calls onSkew, synchronously.
  const logs = { skews: [] as unknown[], events: [] as unknown[] };
  await expect
    .poll(async () => {
      Object.assign(logs, await readLogs(page));
      return logs.skews.length > 0 && logs.skews.length === logs.events.length;
    })
    .toBe(true);
  const { skews, events } = logs;
  for (const skew of skews) {
    // Asked before the release fetch (Vite waits for the answer), so the reason is the failure itself.
    expect(skew).toEqual({ action: 'cancelled', reason: 'load-error', current: 'r1' });
  }
  for (const event of events) {
    // The event sees the action it is asked to allow; onSkew then sees the outcome.
    expect(event).toEqual({ action: 'reload', reason: 'load-error' });
  }
  expect(loads.count).toBe(1);
  expect(server.documents).toHaveLength(1);
  // Nothing was fetched to decide a reload that the app refused.
  expect(server.log.filter((line) => line.endsWith('/skewless.json'))).toEqual([]);
  await expect(page.locator('#home')).toHaveText('home r1');
});

test("a bare `import '@skewless/runtime'` installs it: one reload onto the new release", async ({ page }) => {
  server = await startReleaseServer(r1);
  const loads = countLoads(page);
  await page.goto(`${server.url}auto.html`);
  await expect(page.locator('#home')).toHaveText('auto r1');

  server.serve(r2);
  await page.click('#open');
  await expect(page.locator('#home')).toHaveText('auto r2');
  await page.click('#open');
  await expect(page.locator('#out')).toHaveText('lazy r2');
  expect(loads.count).toBe(2);
});

test('watchRelease: a newer release seen on visibilitychange, the next route change lands on it', async ({
  page,
}) => {
  server = await startReleaseServer(r1);
  const loads = countLoads(page);
  await page.goto(`${server.url}watch.html`);
  await expect(page.locator('#home')).toHaveText('watch r1');

  server.serve(r2);
  // A real tab switch cannot be made headless; the event is what the browser sends on coming back.
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(page.locator('body')).toHaveAttribute('data-new-release', 'r2');
  expect(loads.count).toBe(1);

  await page.click('#route');
  // The reload keeps the new route's URL; the server answers it with r2's SPA document.
  await expect(page.locator('#home')).toHaveText('home r2');
  expect(new URL(page.url()).pathname).toBe('/next');
  expect(loads.count).toBe(2);
});
