import { expect, test } from '@playwright/test';
import { loadBuilds } from '../src/harness/builds.js';
import { hashedNames, queryString } from '../src/scenarios/query-string.js';

test.describe('4 a cache that ignores the query string, mid rolling deploy', () => {
  test('query-string versioning: v1 bytes are cached as v2 and the v2 page runs v1 code', async ({
    browser,
  }) => {
    const result = await queryString({ browser, builds: await loadBuilds() });
    // Every status is 200: only the bytes show the failure.
    expect(result.failures).toEqual([]);
    expect(result.wrongBytes).toBeGreaterThanOrEqual(2);
    expect(result.userSees.version).toBe('v1');
  });

  test('hashed names: nothing of another release is cached, the user runs v2', async ({ browser }) => {
    const result = await hashedNames({ browser, builds: await loadBuilds() });
    expect(result.wrongBytes).toBe(0);
    expect(result.failures).toEqual([]);
    expect(result.reloads).toBe(0);
    expect(result.userSees).toMatchObject({ version: 'v2', route: '/about', state: 'ready' });
    // The early visitor's miss did reach the v1 origin: a 404, not another release's bytes.
    expect(result.notes.some((n) => /404 \/assets\/index-/.test(n))).toBe(true);
  });
});
