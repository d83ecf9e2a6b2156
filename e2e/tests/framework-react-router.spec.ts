import { expect, test } from '@playwright/test';
import {
  errorScreen,
  failuresSeen,
  missingFiles,
  reloadRecorded,
  settledAt,
  twoReleases,
  watchTab,
} from './framework-helpers/vite-frameworks.js';

// React Router 7 framework mode, SPA (`ssr: false`), with skewless() (packages/vite-plugin/test/fixtures/
// react-router), two releases, in real Chromium. A client navigation loads the route's module with a plain
// import() and React Router reloads the page itself when that fails; the first load imports the entry's
// modules from an inline `<script type=module>`, whose failure only the guard for framework pages answers.

/** React Router's default error boundary. */
const ERROR_SCREEN = /Application Error/;

const rel = twoReleases('react-router');

test('release 2 live with release 1 kept: the open tab navigates to its lazy route, no reload, no error', async ({
  page,
}) => {
  const site = await rel.start(rel.r1.dir);
  const watch = await watchTab(page, ERROR_SCREEN);
  await page.goto(site.url);
  await expect(page.locator('#home')).toHaveText('home r1');

  site.serve(rel.r2.dir, rel.r1.dir);
  await page.click('#open');
  await expect(page.locator('#lazy')).toHaveText('lazy r1');
  await settledAt(page, watch, 1);
  expect(watch.pageErrors).toEqual([]);
  expect(await errorScreen(page)).toBe('');
  expect(missingFiles(site)).toEqual([]);
});

test("release 1's files gone: React Router's own reload, exactly one, lands on release 2", async ({
  page,
}) => {
  const site = await rel.start(rel.r1.dir);
  const watch = await watchTab(page, ERROR_SCREEN);
  await page.goto(site.url);
  await expect(page.locator('#home')).toHaveText('home r1');

  site.serve(rel.r2.dir);
  await page.click('#open');
  await expect(page.locator('#home')).toHaveText('home r2');
  await page.click('#open');
  await expect(page.locator('#lazy')).toHaveText('lazy r2');
  await settledAt(page, watch, 2);
  expect(site.documents).toEqual(['/', '/']);
  expect(missingFiles(site)).toEqual([expect.stringMatching(/^404 \/assets\/lazy-[0-9a-f]{8}\.js$/)]);
  // React Router's reload, not Skewless's: the failed import() never reaches the guard or the runtime
  // (no vite:preloadError), so the loop guard records nothing.
  expect(await reloadRecorded(page, rel.r1.release)).toBeNull();
  expect(watch.pageErrors).toEqual([]);
  expect(await errorScreen(page)).toBe('');
});

test("first load of release 1's cached page, its inline module's imports gone: one reload onto release 2", async ({
  page,
}) => {
  const site = await rel.start(rel.r2.dir);
  site.staleDocuments(rel.r1.dir, 1);
  const watch = await watchTab(page, ERROR_SCREEN);
  await page.goto(site.url);
  await expect(page.locator('#home')).toHaveText('home r2');
  await page.click('#open');
  await expect(page.locator('#lazy')).toHaveText('lazy r2');
  await settledAt(page, watch, 2);
  expect(await reloadRecorded(page, rel.r1.release)).not.toBeNull();
  expect(missingFiles(site)).toContainEqual(
    expect.stringMatching(/^404 \/assets\/manifest-[0-9a-f]{8}\.js$/),
  );
  expect(watch.pageErrors).toEqual([]);
  expect(await errorScreen(page)).toBe('');
});

test('a cache that keeps serving release 1\u2019s page: exactly one reload, then no loop', async ({
  page,
}) => {
  const site = await rel.start(rel.r2.dir);
  site.staleDocuments(rel.r1.dir, Number.POSITIVE_INFINITY);
  const watch = await watchTab(page, ERROR_SCREEN);
  await page.goto(site.url);
  // The second document's inline module fails the same way; the guard sees it and leaves it.
  await expect.poll(() => failuresSeen(page)).toMatchObject({ document: 2, scriptErrors: 1 });
  await page.waitForLoadState('load');
  await settledAt(page, watch, 2);
  expect(site.documents).toEqual(['/', '/']);
});
