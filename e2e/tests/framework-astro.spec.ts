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

// Astro 5, static, with a Preact island (`client:visible`, below the fold) and the skewlessAstro()
// integration (packages/vite-plugin/test/fixtures/astro), two releases, in real Chromium. Astro's inline
// island loader imports the component's module once the island is scrolled to; nothing awaits that
// import, so its failure is an unhandled rejection naming the module's URL, which the guard for framework
// pages answers.

/**
 * Astro renders no error screen of its own (an island that fails to hydrate only logs to the console); any
 * error text shown would be one.
 */
const ERROR_SCREEN = /error/i;

const rel = twoReleases('astro');

/** Scroll the island into view, which hydrates it (`client:visible`). */
const scrollToIsland = (page: Page) => page.locator('#counter').scrollIntoViewIfNeeded();

test('release 2 live with release 1 kept: the island of the open tab hydrates, no reload, no error', async ({
  page,
}) => {
  const site = await rel.start(rel.r1.dir);
  const watch = await watchTab(page, ERROR_SCREEN);
  await page.goto(site.url);
  await expect(page.locator('#home')).toHaveText('Home r1');
  // Not hydrated yet: it is below the fold.
  await expect(page.locator('#counter')).toHaveAttribute('data-hydrated', '');

  site.serve(rel.r2.dir, rel.r1.dir);
  await scrollToIsland(page);
  await expect(page.locator('#counter')).toHaveAttribute('data-hydrated', 'r1');
  await page.click('#counter');
  await expect(page.locator('#counter')).toHaveText('1');
  await settledAt(page, watch, 1);
  expect(watch.pageErrors).toEqual([]);
  expect(missingFiles(site)).toEqual([]);
});

test("release 1's files gone: the island's failed import gives one guarded reload onto release 2", async ({
  page,
}) => {
  const site = await rel.start(rel.r1.dir);
  const watch = await watchTab(page, ERROR_SCREEN);
  await page.goto(site.url);
  await expect(page.locator('#home')).toHaveText('Home r1');

  site.serve(rel.r2.dir);
  await scrollToIsland(page);
  await expect(page.locator('#home')).toHaveText('Home r2');
  await scrollToIsland(page);
  await expect(page.locator('#counter')).toHaveAttribute('data-hydrated', 'r2');
  await page.click('#counter');
  await expect(page.locator('#counter')).toHaveText('1');
  await settledAt(page, watch, 2);
  expect(site.documents).toEqual(['/', '/']);
  expect(await reloadRecorded(page, rel.r1.release)).not.toBeNull();
  expect(missingFiles(site)).toEqual([expect.stringMatching(/^404 \/_astro\/Counter\.[\w-]+\.js$/)]);
  // The rejection nothing caught is the failure the guard answered, on the old page.
  expect(watch.pageErrors).toHaveLength(1);
  expect(watch.pageErrors[0]).toMatch(
    /dynamically imported module: http:\/\/127\.0\.0\.1:\d+\/_astro\/Counter\./,
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
  await scrollToIsland(page);
  await expect.poll(() => failuresSeen(page)).toMatchObject({ document: 2 });
  // The reload keeps the scroll position, so the second document's island fails at once, the same way;
  // scrolled to again in case it did not. The guard sees it and leaves it.
  await scrollToIsland(page);
  await expect.poll(() => failuresSeen(page)).toMatchObject({ document: 2, rejections: 1 });
  await settledAt(page, watch, 2);
  expect(site.documents).toEqual(['/', '/']);
  // The server-rendered island stays as it is, not hydrated.
  await expect(page.locator('#counter')).toHaveAttribute('data-hydrated', '');
});
