import { expect, test } from '@playwright/test';
import { loadBuilds } from '../src/harness/builds.js';
import { htmlFirst, skewlessOrder } from '../src/scenarios/publish-order.js';

test.describe('6 publish order: a new user loads the page after every single write of the v2 publish', () => {
  test('HTML before its assets: users get a blank page until the entry arrives', async ({ browser }) => {
    const result = await htmlFirst({ browser, builds: await loadBuilds() });
    expect(result.failedNavigations).toBeGreaterThan(0);
    expect(result.failures.length).toBeGreaterThan(0);
    // Only v2's assets fail (a 404, or a request the browser gave up on), never the HTML itself.
    for (const failure of result.failures) expect(failure).toMatch(/^(404|failed) \/assets\//);
  });

  test('Skewless order (assets, verify, HTML): every intermediate state works', async ({ browser }) => {
    const result = await skewlessOrder({ browser, builds: await loadBuilds() });
    expect(result.failures).toEqual([]);
    expect(result.failedNavigations).toBe(0);
    // The users saw v1 until the HTML write, v2 after it: the publish did switch releases.
    expect(result.notes.some((n) => /sees v1 \(ready\)/.test(n))).toBe(true);
    expect(result.userSees).toMatchObject({ version: 'v2', state: 'ready' });
  });
});
