import { expect, test } from '@playwright/test';
import { loadBuilds } from '../src/harness/builds.js';
import { htmlRevalidate } from '../src/scenarios/html-revalidate.js';

test('9 a CDN that caches the HTML and revalidates it: 304 until the HTML is published, then 200 with r2; no visitor misses an asset', async ({
  browser,
}) => {
  const result = await htmlRevalidate({ browser, builds: await loadBuilds() });
  // Before the deploy: the first request stores r1's HTML, the next is a revalidation the bucket
  // answers 304, so the stored copy is served.
  expect(result.before).toEqual([
    { release: 'r1', status: 200, cache: 'MISS', upstream: '200' },
    { release: 'r1', status: 200, cache: 'REVALIDATED', upstream: '304' },
  ]);

  // During the publish, a new visitor after every write: each page works with every asset it names.
  expect(result.during.length).toBeGreaterThan(3);
  for (const v of result.during) {
    expect(v.failures, v.after).toEqual([]);
    expect(v.sees.state, v.after).toBe('ready');
    expect(v.reloads, v.after).toBe(0);
  }
  // What each visitor got for the HTML, in order: r1 revalidated (304) until index.html was written;
  // the first revalidation after it gets a 200 with r2 (EXPIRED: the stored copy is replaced), and
  // from then on r2 is revalidated (304).
  const answers = result.during.map(
    (v) => `${v.document.release} ${v.document.cache} ${v.document.upstream}`,
  );
  const switched = result.during.findIndex((v) => v.after === 'writing index.html');
  expect(switched).toBeGreaterThan(0);
  expect(answers.slice(0, switched)).toEqual(Array(switched).fill('r1 REVALIDATED 304'));
  expect(answers[switched]).toBe('r2 EXPIRED 200');
  expect(answers.slice(switched + 1)).toEqual(
    Array(answers.length - switched - 1).fill('r2 REVALIDATED 304'),
  );
  // The app each visitor ran matches the HTML it got.
  for (const v of result.during) expect(v.sees.version).toBe(v.document.release === 'r1' ? 'v1' : 'v2');

  // After the publish: the next visitor gets r2's HTML from the cache, revalidated.
  expect(result.next.document).toEqual({ release: 'r2', status: 200, cache: 'REVALIDATED', upstream: '304' });
  expect(result.next.sees).toMatchObject({ version: 'v2', state: 'ready' });
  expect(result.again).toEqual({ release: 'r2', status: 200, cache: 'REVALIDATED', upstream: '304' });

  // The tab open on r1 since before the deploy keeps working on r1: its chunks are still stored.
  expect(result.openTab).toEqual({
    routes: { '/about': 'ready', '/news': 'ready' },
    version: 'v1',
    chunk: '1',
    reloads: 0,
    failures: [],
  });
  expect(result.failures).toEqual([]);
  expect(result.reloads).toBe(0);
});
