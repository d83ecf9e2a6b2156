import { expect, type Page, test } from '@playwright/test';
import { buildRelease } from './runtime-helpers/build.js';
import { countLoads, openExpecting, readLog } from './runtime-helpers/page.js';
import { type ReleaseServer, startReleaseServer } from './runtime-helpers/server.js';

// The inline <head> guard, for what vite:preloadError never reports: the entry script and HTML-linked CSS.
let r1 = '';
let r2 = '';
let server: ReleaseServer | undefined;

test.beforeAll(async () => {
  r1 = await buildRelease('guard', 'r1');
  r2 = await buildRelease('guard', 'r2');
});

test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Exactly one reload, then calm, and the server saw both documents. */
async function expectOneReloadThenCalm(page: Page, server: ReleaseServer): Promise<void> {
  await openExpecting(page, server.url, 2);
  expect(server.documents).toHaveLength(2);
}

test('a stale page whose entry script is gone: the guard reloads once into the new release', async ({
  page,
}) => {
  server = await startReleaseServer(r2);
  server.staleDocumentOnce(r1);
  const loads = countLoads(page);
  await page.goto(server.url);
  await expect(page.locator('#home')).toHaveText('home r2');
  expect(loads.count).toBe(2);
  expect(server.documents).toHaveLength(2);
  expect(await readLog(page, 'fixture:events')).toEqual([{ action: 'reload', reason: 'load-error' }]);
  await page.click('#open');
  await expect(page.locator('#out')).toHaveText('lazy r2');
});

test('the entry script missing for good: exactly one reload, then the guard stands down', async ({
  page,
}) => {
  server = await startReleaseServer(r1);
  server.deny(/^\/assets\/index-[^/]*\.js$/);
  await expectOneReloadThenCalm(page, server);
  expect(await readLog(page, 'fixture:events')).toEqual([{ action: 'reload', reason: 'load-error' }]);
  await expect(page.locator('#home')).toHaveText('loading');
});

test('an HTML-linked stylesheet missing: the guard reloads once, then leaves the page be', async ({
  page,
}) => {
  server = await startReleaseServer(r1);
  server.deny(/^\/assets\/index-[^/]*\.css$/);
  await expectOneReloadThenCalm(page, server);
  await expect(page.locator('#home')).toHaveText('home r1');
  expect(await readLog(page, 'fixture:events')).toHaveLength(1);
  expect(server.log.filter((line) => /^404 \/assets\/index-.*\.css$/.test(line))).toHaveLength(2);
});

test('a static import gone (modulepreload link and entry both fail): one reload, not two', async ({
  page,
}) => {
  server = await startReleaseServer(r1);
  server.deny(/^\/assets\/shared-[^/]*\.js$/);
  await expectOneReloadThenCalm(page, server);
  // The <link rel=modulepreload> and the entry script both fail on each load; the in-flight flag and the
  // loop guard turn that into one reload in all.
  expect(await readLog(page, 'fixture:events')).toEqual([{ action: 'reload', reason: 'load-error' }]);
  await expect(page.locator('#home')).toHaveText('loading');
});

test("files the backend serves beside the build (/custom.css, /custom.js) answering 404: zero reloads; the build's own stylesheet gone: one", async ({
  page,
}) => {
  const foreign = await buildRelease('guard-foreign', 'r1', 'foreign');
  server = await startReleaseServer(foreign);
  await openExpecting(page, server.url, 1);
  await expect(page.locator('#home')).toHaveText('home r1');
  expect(server.log).toEqual(expect.arrayContaining(['404 /custom.css', '404 /custom.js']));
  expect(server.documents).toHaveLength(1);
  expect(await readLog(page, 'fixture:events')).toEqual([]);

  // The same page with one of the build's own files gone: the guard is there, and answers it.
  await server.close();
  server = await startReleaseServer(foreign);
  server.deny(/^\/assets\/index-[^/]*\.css$/);
  await expectOneReloadThenCalm(page, server);
  expect(await readLog(page, 'fixture:events')).toEqual([{ action: 'reload', reason: 'load-error' }]);
});
