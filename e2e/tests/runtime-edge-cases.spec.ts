import { expect, type Page, test } from '@playwright/test';
import { launchOptions } from '../src/chromium.js';
import { buildRelease } from './runtime-helpers/build.js';
import { countLoads, readLog } from './runtime-helpers/page.js';
import { type ReleaseServer, startReleaseServer } from './runtime-helpers/server.js';

// The runtime's edge cases in real Chromium, on the runtime fixture (its shared chunk is a static import
// that the HTML preloads with <link rel=modulepreload>).

// Playwright turns the back-forward cache off by default; the restore case needs it.
test.use({ launchOptions: { ...launchOptions, ignoreDefaultArgs: ['--disable-back-forward-cache'] } });

let r1 = '';
let server: ReleaseServer | undefined;

test.beforeAll(async () => {
  r1 = await buildRelease('edge', 'r1');
});

test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  return errors;
}

test('an error event on a modulepreload link that loaded fine: no reload', async ({ page }) => {
  server = await startReleaseServer(r1);
  const loads = countLoads(page);
  const errors = pageErrors(page);
  await page.goto(server.url);
  await expect(page.locator('#home')).toHaveText('home r1');
  expect(server.log.filter((line) => /^200 \/assets\/shared-/.test(line))).toHaveLength(1);

  await page.evaluate(() => {
    const link = document.querySelector('link[rel=modulepreload]') as HTMLLinkElement;
    link.dispatchEvent(new Event('error'));
  });
  await page.click('#open');
  await expect(page.locator('#out')).toHaveText('lazy r1');
  expect(loads.count).toBe(1);
  expect(await readLog(page, 'fixture:events')).toEqual([]);
  expect(errors).toEqual([]);
});

test('a static import answered by an SPA fallback (200 text/html): one reload, then the guard stands down', async ({
  page,
}) => {
  server = await startReleaseServer(r1);
  const loads = countLoads(page);
  let fallbacks = 0;
  await page.route('**/assets/shared-*.js', async (route) => {
    fallbacks++;
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>app</title>' });
  });
  await page.goto(server.url);
  await expect.poll(() => loads.count).toBe(2);
  await page.waitForLoadState('load');
  // The modulepreload link and the entry script both fail on each load: one reload in all, from the entry.
  expect(await readLog(page, 'fixture:events')).toEqual([{ action: 'reload', reason: 'load-error' }]);
  expect(loads.count).toBe(2);
  expect(fallbacks).toBeGreaterThanOrEqual(2);
  await expect(page.locator('#home')).toHaveText('loading');
});

test('a page restored from the back-forward cache starts its loop-guard window afresh', async ({ page }) => {
  server = await startReleaseServer(r1);
  server.deny(/^\/assets\/lazy-/);
  const loads = countLoads(page);
  await page.goto(server.url);
  await expect(page.locator('#home')).toHaveText('home r1');

  // The lazy chunk is gone for good: one reload, then the loop guard leaves the error to the app.
  await page.click('#open');
  await expect.poll(() => loads.count).toBe(2);
  await expect(page.locator('#home')).toHaveText('home r1');
  await page.click('#open');
  await expect(page.locator('#out')).toHaveText(/^error: /);
  expect(loads.count).toBe(2);

  // The user goes elsewhere and comes back: the page is restored, not loaded.
  await page.evaluate(() =>
    addEventListener('pageshow', (event) =>
      sessionStorage.setItem('fixture:restored', String(event.persisted)),
    ),
  );
  await page.goto(`${server.url}auto.html`);
  await expect(page.locator('#home')).toHaveText('auto r1');
  // 'commit': a restored page fires pageshow, not load.
  await page.goBack({ waitUntil: 'commit' });
  await expect.poll(() => page.evaluate(() => sessionStorage.getItem('fixture:restored'))).toBe('true');
  const before = loads.count;

  // Within 30 s of the last reload, yet a reload again: the restore is the user's, not a loop.
  await page.click('#open');
  await expect.poll(() => loads.count).toBe(before + 1);
  await expect(page.locator('#home')).toHaveText('home r1');
  // And the page after that reload is guarded as before.
  await page.click('#open');
  await expect(page.locator('#out')).toHaveText(/^error: /);
  expect(loads.count).toBe(before + 1);
});
