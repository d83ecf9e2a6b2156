import { expect, test } from '@playwright/test';
import { loadBuilds } from '../src/harness/builds.js';
import { retention } from '../src/scenarios/retention.js';

// Four playground builds, four uploads and three prunes, on two shared cores.
test.setTimeout(120_000);

test('7 retention: a tab of release 1 works while prune keeps it, then recovers with one reload once it is pruned', async ({
  browser,
}) => {
  const result = await retention({ browser, builds: await loadBuilds() });
  const [afterR2, afterR3, afterR4] = result.steps;

  // keep: 2 counts the newest uploads, the current one included: r1 is kept after r2's deploy only.
  expect(afterR2!.decisions).toEqual([
    { label: 'r2', kept: true, reason: 'live' },
    { label: 'r1', kept: true, reason: 'among the 2 newest' },
  ]);
  // While r1 is stored, the open tab's next lazy route loads r1's chunk: nothing fails, nothing reloads.
  expect(afterR2).toMatchObject({ route: '/news', state: 'ready', version: 'v1', chunk: '1' });
  expect(afterR2!.failures).toEqual([]);
  expect(afterR2!.reloads).toBe(0);

  expect(afterR3!.decisions).toEqual([
    { label: 'r3', kept: true, reason: 'live' },
    { label: 'r2', kept: true, reason: 'among the 2 newest' },
    { label: 'r1', kept: false, reason: expect.stringMatching(/^beyond the 2 newest, retired \d+s ago$/) },
  ]);
  // r1 is pruned: its About chunk is gone. The CDN never had it, so the 404 comes from the bucket
  // through the cache (a MISS), exactly once, and the runtime reloads the tab onto r3, where About works.
  // Only the chunk fails: About's CSS is the same file in every release, listed by the kept ones, so prune
  // left it in place.
  // A browser that fetches a failed module again (Chromium 156) asks for it twice, the modulepreload and the
  // import; an older one once. Never another file, and never a cached 404.
  const gone = afterR3!.failures[0]!;
  expect(gone).toMatch(/^404 \/assets\/about-[0-9a-f]{8}\.js$/);
  expect(afterR3!.failures.length === 1 || afterR3!.failures.length === 2).toBe(true);
  expect(new Set(afterR3!.failures)).toEqual(new Set([gone]));
  expect(result.errors).toEqual(
    afterR3!.failures.map(() => ({ status: 404, path: gone.slice(4), cache: 'MISS' })),
  );
  expect(afterR3!.reloads).toBe(1);
  expect(afterR3).toMatchObject({ route: '/about', state: 'ready', version: 'v3', chunk: '3' });
  // Asked again, the file is still gone and the 404 was not stored by the CDN.
  expect(result.notes.some((n) => /^404 \/assets\/about-.*asked again: 404, cache MISS$/.test(n))).toBe(true);

  // r4's deploy drops r2; r3, the tab's release now, is among the 2 newest and keeps working.
  expect(afterR4!.decisions).toEqual([
    { label: 'r4', kept: true, reason: 'live' },
    { label: 'r3', kept: true, reason: 'among the 2 newest' },
    { label: 'r2', kept: false, reason: expect.stringMatching(/^beyond the 2 newest, retired \d+s ago$/) },
  ]);
  expect(afterR4).toMatchObject({ route: '/news', state: 'ready', version: 'v3', chunk: '3' });
  expect(afterR4!.failures).toEqual([]);
  expect(afterR4!.reloads).toBe(0);

  // Over the whole run: the one gone chunk (asked once or twice, as above), the one reload, and the store
  // holds the two newest releases.
  expect(result.failures).toEqual(afterR3!.failures);
  expect(result.reloads).toBe(1);
  expect(result.failedNavigations).toBe(0);
  expect(result.stored).toEqual(['r4', 'r3']);
  expect(result.current).toBe('r4');
});
