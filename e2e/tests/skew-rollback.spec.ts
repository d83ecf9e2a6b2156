import { expect, test } from '@playwright/test';
import { loadBuilds } from '../src/harness/builds.js';
import { rollbackScenario } from '../src/scenarios/rollback.js';

test('8 rollback: after rollback to the previous release a new visitor gets release 1 through the CDN, every file 200', async ({
  browser,
}) => {
  const result = await rollbackScenario({ browser, builds: await loadBuilds() });
  const { r1, r2 } = result.ids;
  expect(result.rollback).toMatchObject({ release: r1, replaced: r2, dryRun: false });
  // The release file goes last, so a page that sees it can already load the documents it names.
  expect(result.rollback.documents.at(-1)).toBe('skewless.json');

  // The store says r1 is current again, r2 retired; nothing was deleted.
  expect(result.listed.current).toBe(r1);
  expect(result.listed.releases.map((r) => [r.label, r.state, r.current, r.missing])).toEqual([
    ['r2', 'retired', false, 0],
    ['r1', 'live', true, 0],
  ]);
  expect(result.releaseFile).toEqual({ release: r1 });
  // The republished HTML keeps the no-cache the upload gave it, so a cache revalidates it on every request.
  expect(result.documentCacheControl).toEqual({ before: 'no-cache', after: 'no-cache' });

  // A new visitor: r1's HTML (its meta tag), r1's code, and every response a 200.
  expect(result.fresh.release).toBe(r1);
  expect(result.userSees).toMatchObject({ version: 'v1', state: 'ready' });
  expect(result.fresh.routes).toEqual({ '/about': 'ready', '/news': 'ready', '/gallery': 'ready' });
  expect(result.fresh.responses.filter((r) => r.status !== 200)).toEqual([]);
  expect(result.failures).toEqual([]);
  // The HTML went through the cache: no-cache, so nginx stores none and asks the bucket (a MISS), never
  // a stale r2 document from the cache (a HIT).
  const documents = result.fresh.responses.filter((r) => r.path === '/');
  expect(documents).toEqual([{ status: 200, path: '/', cache: 'MISS' }]);
  // Every asset through the cache too: r1's own files are a MISS, those r2 shares with it may be a HIT.
  const assets = result.fresh.responses.filter((r) => r.path.startsWith('/assets/'));
  expect(assets.length).toBeGreaterThan(0);
  for (const asset of assets) expect(['HIT', 'MISS']).toContain(asset.cache);

  // The tab open on r2 since before the rollback: r2's files are still stored, so its next lazy route
  // works on r2 and nothing makes it reload (no chunk failed; the playground does not poll the release).
  expect(result.openTab).toMatchObject({
    state: 'ready',
    version: 'v2',
    chunk: '2',
    reloads: 0,
    failures: [],
  });
  expect(result.reloads).toBe(0);
  expect(result.failedNavigations).toBe(0);
});
