import { expect, type Page, test } from '@playwright/test';
import {
  errorScreen,
  failuresSeen,
  missingFiles,
  reloadRecorded,
  settledAt,
  twoReleases,
  watchTab,
} from './framework-helpers/vite-frameworks.js';

// SvelteKit 2 with adapter-static and skewless() (packages/vite-plugin/test/fixtures/sveltekit, which also
// imports @skewless/runtime in its hooks.client.js), two releases, in real Chromium. SvelteKit loads a page's
// code with Vite's preload helper on a client navigation, and its entry from an inline script's `import()`
// on the first load. Its own version check cannot help here: the fixture pins kit.version (deterministic
// builds), so both releases carry the same version and SvelteKit would show its error page.

/**
 * SvelteKit has hydrated the home page: the prerendered text shows before that, and a click on its link
 * would then be the browser's own navigation to a fresh document (release 2's, once it is live).
 */
const hydrated = (page: Page) => expect(page.locator('#home')).toHaveAttribute('data-hydrated', 'yes');

/** SvelteKit's default error page (500, "Internal Error"). */
const ERROR_SCREEN = /Internal Error/;

const rel = twoReleases('sveltekit');

test('release 2 live with release 1 kept: the open tab navigates to its lazy route, no reload, no error', async ({
  page,
}) => {
  const site = await rel.start(rel.r1.dir);
  const watch = await watchTab(page, ERROR_SCREEN);
  await page.goto(site.url);
  await expect(page.locator('#home')).toHaveText('Home r1');

  site.serve(rel.r2.dir, rel.r1.dir);
  await hydrated(page);
  await page.click('#open');
  await expect(page.locator('#lazy')).toHaveText('Lazy r1');
  await page.click('button');
  await expect(page.locator('button')).toHaveText('1');
  await settledAt(page, watch, 1);
  expect(watch.pageErrors).toEqual([]);
  expect(await errorScreen(page)).toBe('');
  // Every file the tab asked for was there (the browser's own favicon request aside).
  expect(missingFiles(site)).toEqual([]);
});

test("release 1's files gone: the lazy route recovers with one guarded reload onto release 2, no error page", async ({
  page,
}) => {
  const site = await rel.start(rel.r1.dir);
  const watch = await watchTab(page, ERROR_SCREEN);
  await page.goto(site.url);
  await expect(page.locator('#home')).toHaveText('Home r1');

  site.serve(rel.r2.dir);
  await hydrated(page);
  await page.click('#open');
  // The runtime's reload lands on the page the tab was on (the navigation had not happened): release 2.
  await expect(page.locator('#home')).toHaveText('Home r2');
  expect(await reloadRecorded(page, rel.r1.release)).not.toBeNull();
  await hydrated(page);
  await page.click('#open');
  await expect(page.locator('#lazy')).toHaveText('Lazy r2');
  await settledAt(page, watch, 2);
  expect(site.documents).toEqual(['/', '/']);
  expect(site.log.some((line) => /^404 \/_app\/immutable\/nodes\//.test(line))).toBe(true);
  expect(watch.pageErrors).toEqual([]);
  expect(await errorScreen(page)).toBe('');
});

test("first load of release 1's cached page, its entry gone: one reload onto release 2", async ({ page }) => {
  const site = await rel.start(rel.r2.dir);
  site.staleDocuments(rel.r1.dir, 1);
  const watch = await watchTab(page, ERROR_SCREEN);
  await page.goto(site.url);
  await expect(page.locator('#home')).toHaveText('Home r2');
  await hydrated(page);
  await page.click('#open');
  await expect(page.locator('#lazy')).toHaveText('Lazy r2');
  await settledAt(page, watch, 2);
  // The guard on the old page counted its reload under release 1's key.
  expect(await reloadRecorded(page, rel.r1.release)).not.toBeNull();
  expect(site.log.some((line) => /^404 \/_app\/immutable\/entry\//.test(line))).toBe(true);
  // The inline script's import() rejected with nobody to catch it: the failure the guard answered.
  expect(watch.pageErrors).toHaveLength(1);
  expect(watch.pageErrors[0]).toMatch(
    /dynamically imported module: http:\/\/127\.0\.0\.1:\d+\/_app\/immutable\//,
  );
  expect(await errorScreen(page)).toBe('');
});

test('a cache that keeps serving release 1\u2019s page: exactly one reload, then no loop', async ({
  page,
}) => {
  const site = await rel.start(rel.r2.dir);
  site.staleDocuments(rel.r1.dir, Number.POSITIVE_INFINITY);
  const watch = await watchTab(page, ERROR_SCREEN);
  await page.goto(site.url);
  // The second document fails the same way; the guard sees it and leaves it (the reload within the window
  // is counted).
  await expect.poll(() => failuresSeen(page)).toMatchObject({ document: 2, rejections: 1 });
  await settledAt(page, watch, 2);
  expect(site.documents).toEqual(['/', '/']);
  await expect(page.locator('#home')).toHaveText('Home r1');
});
