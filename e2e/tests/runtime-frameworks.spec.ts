import { type Browser, expect, type Page, test } from '@playwright/test';
import { type App, type AppBuild, buildApp } from './framework-helpers/build.js';
import { countLoads } from './runtime-helpers/page.js';
import { type ReleaseServer, startReleaseServer } from './runtime-helpers/server.js';

// A React.lazy route and a vue-router lazy route, built with @skewless/vite and @skewless/runtime, in real
// Chromium: the lazy chunk is gone after a deploy (404, or an SPA fallback's HTML), and the release file
// answers 2 s late. The page must reload at once, without showing its error screen first, exactly once.

const RELEASE_FILE_DELAY_MS = 2_000;

interface Builds {
  r1: AppBuild;
  r2: AppBuild;
}
const builds = {} as Record<App, Builds>;
let server: ReleaseServer | undefined;
/** Whether this Chromium fetches a module again after its first fetch failed (see refetchesFailedModules). */
let refetches = false;

/**
 * Imports a module whose first fetch fails (503) twice, and says whether the second import made a request.
 * Browsers that follow the HTML standard's newer rule do (Chromium 156); older ones keep the failure in the
 * module map, and a retry from the same URL then fails at once.
 */
async function refetchesFailedModules(browser: Browser): Promise<boolean> {
  const page = await browser.newPage();
  try {
    const probe = await startReleaseServer(builds.react.r1.dir);
    let requests = 0;
    await page.route('**/probe-module.js', (route) =>
      ++requests === 1
        ? route.fulfill({ status: 503, body: 'busy' })
        : route.fulfill({ contentType: 'text/javascript', body: 'export default 1;' }),
    );
    await page.goto(probe.url);
    await page.evaluate(async () => {
      for (let i = 0; i < 2; i++) await import(`${location.origin}/probe-module.js`).catch(() => {});
    });
    await probe.close();
    return requests === 2;
  } finally {
    await page.close();
  }
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  for (const app of ['react', 'vue'] as const) {
    builds[app] = {
      r1: await buildApp(app, 'r1'),
      r2: await buildApp(app, 'r2'),
    };
  }
  refetches = await refetchesFailedModules(browser);
});

test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Watches the tab: its documents (countLoads), uncaught page errors, and the order in which documents and
 * the release file were requested. The release file is held back RELEASE_FILE_DELAY_MS.
 */
async function watch(page: Page) {
  const loads = countLoads(page);
  const pageErrors: string[] = [];
  const order: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) order.push('document');
  });
  await page.route('**/skewless.json', async (route) => {
    order.push('release file');
    await new Promise((resolve) => setTimeout(resolve, RELEASE_FILE_DELAY_MS));
    // The page may be gone by now; its request with it.
    await route.continue().catch(() => {});
  });
  return { loads, pageErrors, order };
}

/** The fixture's records (shared/log.ts), kept in sessionStorage across the reload. */
function records(page: Page) {
  return page.evaluate(() => {
    const read = (key: string) => JSON.parse(sessionStorage.getItem(key) || '[]');
    return {
      skews: read('fixture:skews'),
      errors: read('fixture:errors') as string[],
      /** One entry per retry retryImports() ran (the fixture's index.html counts them). */
      retries: read('fixture:retries') as string[],
      lastDom: read('fixture:last-dom') as { url: string; html: string }[],
    };
  });
}

for (const app of ['react', 'vue'] as const) {
  test.describe(app, () => {
    test('a lazy chunk gone after a deploy: one retry, then a reload at once, no error screen before, one reload', async ({
      page,
    }) => {
      const { r1, r2 } = builds[app];
      server = await startReleaseServer(r1.dir);
      const seen = await watch(page);
      const url = `${server.url}?from=mail#top`;
      await page.goto(url);
      await expect(page.locator('#home')).toHaveText('home r1');

      server.serve(r2.dir); // the deploy: r1's chunks are gone (404)
      await page.click('#open');
      await expect(page.locator('#home')).toHaveText('home r2');

      // The report comes from the page after the reload, once the (late) release file is in.
      await expect
        .poll(async () => (await records(page)).skews)
        .toEqual([{ action: 'reload', reason: 'new-release', current: r1.release, live: r2.release }]);
      const { errors, lastDom, retries } = await records(page);
      // The retry ran on the old page, once, and failed: then the reload. Imported twice (the import and
      // its retry); a browser that keeps the failure in its module map fails the retry without a request.
      expect(retries).toEqual(['/']);
      expect(server.log.filter((line) => line === `404 ${r1.lazyChunk}`)).toHaveLength(refetches ? 2 : 1);
      // The DOM as the old page left it, just before the reload: the app, no error screen.
      expect(lastDom).toHaveLength(1);
      expect(lastDom[0]?.html).toContain('home r1');
      expect(lastDom[0]?.html).not.toContain('error screen');
      expect(errors).toEqual([]);
      expect(seen.pageErrors).toEqual([]);
      // Reloaded before anything asked for the release file: only the page after the reload did.
      expect(seen.order).toEqual(['document', 'document', 'release file']);
      expect(seen.loads.count).toBe(2);
      expect(server.log).toContain(`404 ${r1.lazyChunk}`);
      // The reload kept the address: query string and hash.
      expect(page.url()).toBe(url);

      await page.click('#open');
      await expect(page.locator('#lazy')).toHaveText('lazy r2');
      expect(seen.loads.count).toBe(2);
      expect(seen.pageErrors).toEqual([]);
    });

    test('an SPA fallback answers the gone chunk with index.html (text/html): one reload, no error screen', async ({
      page,
    }) => {
      const { r1, r2 } = builds[app];
      server = await startReleaseServer(r1.dir);
      const seen = await watch(page);
      await page.goto(server.url);
      await expect(page.locator('#home')).toHaveText('home r1');

      server.serve(r2.dir);
      const fallback: string[] = [];
      await page.route(`**${r1.lazyChunk}`, async (route) => {
        fallback.push(route.request().url());
        await route.fulfill({
          status: 200,
          contentType: 'text/html',
          body: '<!doctype html><title>app</title>',
        });
      });
      await page.click('#open');
      await expect(page.locator('#home')).toHaveText('home r2');
      await expect
        .poll(async () => (await records(page)).skews)
        .toEqual([{ action: 'reload', reason: 'new-release', current: r1.release, live: r2.release }]);
      const { errors, lastDom } = await records(page);
      // A browser that fetches a failed module again (Chromium 156) asks twice: the modulepreload Vite adds,
      // then the import itself; an older one keeps the preload's failure and asks once. Either way: one reload.
      expect(fallback).toHaveLength(refetches ? 2 : 1);
      expect(lastDom[0]?.html).not.toContain('error screen');
      expect(errors).toEqual([]);
      expect(seen.pageErrors).toEqual([]);
      expect(seen.loads.count).toBe(2);
    });

    test('retryImports: a chunk that fails once loads on the retry, without a reload', async ({ page }) => {
      test.skip(
        !refetches,
        'this Chromium keeps a failed module fetch in its module map, so no retry from the same URL can load',
      );
      const { r1 } = builds[app];
      server = await startReleaseServer(r1.dir);
      const seen = await watch(page);
      await page.goto(server.url);
      await expect(page.locator('#home')).toHaveText('home r1');

      // A passing failure: the first request for the chunk gets a 503, the next one the file.
      let requests = 0;
      await page.route(`**${r1.lazyChunk}`, async (route) => {
        requests++;
        if (requests === 1) await route.fulfill({ status: 503, body: 'busy' });
        else await route.continue();
      });
      await page.click('#open');
      await expect(page.locator('#lazy')).toHaveText('lazy r1');
      expect(requests).toBe(2);
      expect(seen.loads.count).toBe(1);
      expect(seen.order).toEqual(['document']);
      const { skews, errors, retries } = await records(page);
      expect(retries).toEqual(['/']);
      expect(skews).toEqual([]);
      expect(errors).toEqual([]);
      expect(seen.pageErrors).toEqual([]);
    });
  });
}
