import { expect, test } from '@playwright/test';
import { loadBuilds } from '../src/harness/builds.js';
import { complete } from '../src/scenarios/complete.js';

test('3 complete: with both releases in the bucket first, the v1 page works through the whole rolling deploy', async ({
  browser,
}) => {
  const result = await complete({ browser, builds: await loadBuilds() });
  expect(result.failures).toEqual([]);
  expect(result.failedNavigations).toBe(0);
  expect(result.reloads).toBe(0);
  // Still the v1 app (no reload happened), with the last route rendered from v1's chunks.
  expect(result.userSees).toMatchObject({ version: 'v1', route: '/', state: 'ready' });
  // And the deploy did happen: a new visitor runs v2.
  expect(result.notes).toContain('a new visitor loads v2 and opens /about: ready');
});
