import { expect, test } from '@playwright/test';
import { loadBuilds } from '../src/harness/builds.js';
import { cached404, noStoreErrors } from '../src/scenarios/cached-404.js';

test.describe('5 a 404 from a v1 origin during the deploy', () => {
  test('with long cache headers on errors, the CDN keeps serving the 404 after the file exists', async ({
    browser,
  }) => {
    const result = await cached404({ browser, builds: await loadBuilds() });
    expect(result.failures).toEqual([expect.stringMatching(/^404 \/assets\/index-.*\.js$/)]);
    expect(result.userSees.state).toBe('blank');
    expect(result.notes.some((n) => /asked again now: 404, cache HIT/.test(n))).toBe(true);
  });

  test('with no-store on errors (origin middleware), the next request gets the file', async ({ browser }) => {
    const result = await noStoreErrors({ browser, builds: await loadBuilds() });
    // The early visitor's miss still reached the v1 origin and got a 404...
    expect(result.notes.some((n) => /404 \/assets\/index-[a-f0-9]{8}\.js from B/.test(n))).toBe(true);
    // ...but it was not kept: the user after the deploy gets every file.
    expect(result.failures).toEqual([]);
    expect(result.userSees).toMatchObject({ version: 'v2', route: '/about', state: 'ready' });
  });
});
