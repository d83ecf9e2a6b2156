import { expect, test } from '@playwright/test';
import { loadBuilds } from '../src/harness/builds.js';
import { runtimeOnly } from '../src/scenarios/runtime-only.js';

test('2 runtime only: the missing chunk triggers exactly one guarded reload onto v2, and the route works', async ({
  browser,
}) => {
  const result = await runtimeOnly({ browser, builds: await loadBuilds() });
  // The v1 chunk is still gone (assets live only on the origins)...
  expect(result.failures.some((f) => /^404 \/assets\/about-/.test(f))).toBe(true);
  // ...but the runtime recovers: one reload, the user is on v2 and /about renders.
  expect(result.reloads).toBe(1);
  expect(result.failedNavigations).toBe(0);
  expect(result.userSees).toMatchObject({ version: 'v2', route: '/about', state: 'ready' });
});
