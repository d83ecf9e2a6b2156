import { expect, type Page, test } from '@playwright/test';
import { buildLandApp, type LandApp, type LandBuild } from './framework-helpers/land-build.js';
import { countLoads } from './runtime-helpers/page.js';
import { type ReleaseServer, startReleaseServer } from './runtime-helpers/server.js';

// A history-mode router changes the URL only once the lazy route's chunk has loaded, so the guarded reload
// that a chunk gone after a deploy causes would land on the page the user was leaving. With the runtime's
// router adapter (followVueRouter for vue-router 4 and 3, followReactRouter for a data router; reloadTo()
// underneath), in real Chromium, the user
// lands on the route they clicked, on the new release, after exactly one reload.

/** The fixtures, by the router they run. */
const APPS = { 'vue-router 4': 'vue', 'vue-router 3': 'vue2', 'React Router': 'react' } as const;
type Router = keyof typeof APPS;
const builds = {} as Record<Router, { r1: LandBuild; r2: LandBuild }>;
let server: ReleaseServer | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  for (const [router, app] of Object.entries(APPS) as [Router, LandApp][]) {
    builds[router] = { r1: await buildLandApp(app, 'r1'), r2: await buildLandApp(app, 'r2') };
  }
});

test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The fixture's records (shared/log.ts), kept in sessionStorage across the reload. */
function records(page: Page) {
  return page.evaluate(() => {
    const read = (key: string) => JSON.parse(sessionStorage.getItem(key) || '[]');
    return { skews: read('fixture:skews'), errors: read('fixture:errors') as string[] };
  });
}

for (const router of Object.keys(APPS) as Router[]) {
  test.describe(router, () => {
    test('a lazy route whose chunk is gone after a deploy: one reload, onto that route, on the new release', async ({
      page,
    }) => {
      const { r1, r2 } = builds[router];
      server = await startReleaseServer(r1.dir);
      const loads = countLoads(page);
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      await page.goto(server.url);
      await expect(page.locator('#home-view')).toHaveText('home view r1');

      server.serve(r2.dir); // the deploy: r1's chunks are gone (404)
      await page.click('#open');
      await expect(page.locator('#logs')).toHaveText('logs r2');
      await expect(page.locator('#release')).toHaveText('release r2');
      expect(page.url()).toBe(`${server.url}logs?level=warn`);

      await expect
        .poll(async () => (await records(page)).skews)
        .toEqual([{ action: 'reload', reason: 'new-release', current: r1.release, live: r2.release }]);
      // The old release's chunk was asked for and gone; the documents: the first visit and one load of
      // the destination (not of `/`).
      expect(server.log.some((line) => /^404 \/assets\/logs-/.test(line))).toBe(true);
      expect(server.documents).toEqual(['/', '/logs']);
      expect(loads.count).toBe(2);
      expect((await records(page)).errors).toEqual([]);
      expect(pageErrors).toEqual([]);

      // Back returns to the page the user left, as after the router's own navigation.
      await page.goBack();
      await expect(page.locator('#home-view')).toHaveText(/home view r[12]/);
      expect(new URL(page.url()).pathname).toBe('/');
    });

    test('the destination on the same release (the chunk really gone): one reload onto it, then the loop guard', async ({
      page,
    }) => {
      const { r1 } = builds[router];
      server = await startReleaseServer(r1.dir);
      const loads = countLoads(page);
      await page.goto(server.url);
      await expect(page.locator('#home-view')).toHaveText('home view r1');

      server.deny(/\/assets\/logs-/);
      await page.click('#open');
      // The reload lands on /logs, whose chunk is still gone: the loop guard leaves the error to the app.
      // (vue-router 3 then puts the address back to its start route, '/'; the others keep '/logs'.)
      await expect(page.locator('#error')).toBeVisible();
      expect(server.documents).toEqual(['/', '/logs']);
      // The page after the reload reports the reload once it has the release file, and the loop guard's
      // refusal at once: in either order.
      await expect.poll(async () => (await records(page)).skews).toHaveLength(2);
      expect((await records(page)).skews).toEqual(
        expect.arrayContaining([
          { action: 'reload', reason: 'same-release', current: r1.release, live: r1.release },
          { action: 'surface', reason: 'loop-guard', current: r1.release },
        ]),
      );
      expect(loads.count).toBe(2);
    });
  });
}
