import { expect, type Page, test } from '@playwright/test';
import { buildLandApp, type LandBuild } from './framework-helpers/land-build.js';
import { type ReleaseServer, startReleaseServer } from './runtime-helpers/server.js';

// The "new version available" signal (@skewless/runtime/update, watchUpdates with the shortest interval,
// 30 s) in two tabs of one browser context, in real Chromium: the tabs check the release file as one, once
// per interval between them (BroadcastChannel, localStorage, Web Locks), and both are told of the new
// release, once. Playwright's clock, the context's (both tabs see the same time), stands in for the minutes.

const INTERVAL_MS = 30_000;
let r1: LandBuild;
let r2: LandBuild;
let server: ReleaseServer | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  r1 = await buildLandApp('update', 'r1');
  r2 = await buildLandApp('update', 'r2');
});

test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** What the tab was told: onUpdate's calls and the skewless:update events, from its sessionStorage. */
function told(page: Page) {
  return page.evaluate(() => {
    const read = (key: string) => JSON.parse(sessionStorage.getItem(key) || '[]');
    return { updates: read('fixture:updates'), events: read('fixture:update-events') };
  });
}

for (const channel of ['BroadcastChannel', 'the storage event (no BroadcastChannel)'] as const) {
  test(`two tabs, through ${channel}: one check of the release file per interval between them, each tab told once`, async ({
    context,
  }) => {
    if (channel !== 'BroadcastChannel')
      await context.addInitScript(() => {
        // A browser without it: the tabs hear of each other's checks through localStorage's storage event.
        delete (window as { BroadcastChannel?: unknown }).BroadcastChannel;
      });
    server = await startReleaseServer(r1.dir);
    // Counted as the tabs send them: a second check in one interval would count at once.
    let requests = 0;
    context.on('request', (request) => {
      if (new URL(request.url()).pathname === '/skewless.json') requests++;
    });
    const checks = () => requests;
    await context.clock.install();
    const tabs: Page[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await context.newPage();
      await page.goto(server.url);
      await expect(page.locator('#release')).toHaveText('release r1');
      tabs.push(page);
    }
    // Both tabs show: each would check on its own interval.
    for (const page of tabs) expect(await page.evaluate(() => document.visibilityState)).toBe('visible');
    for (const page of tabs)
      expect(await page.evaluate(() => typeof BroadcastChannel)).toBe(
        channel === 'BroadcastChannel' ? 'function' : 'undefined',
      );
    expect(checks()).toBe(0);

    server.serve(r2.dir); // the deploy
    const news = { current: r1.release, live: r2.release };
    for (let round = 1; round <= 3; round++) {
      // One interval (and the tabs' jitter, under a second) passes: the tab that comes due first checks, and
      // the other hears of it and waits for the next interval.
      await context.clock.runFor(INTERVAL_MS + 1_500);
      await expect.poll(checks).toBe(round);
      for (const page of tabs)
        await expect.poll(() => told(page)).toEqual({ updates: [news], events: [news] });
      expect(checks()).toBe(round);
    }
  });
}
