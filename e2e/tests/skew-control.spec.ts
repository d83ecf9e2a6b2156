import { expect, test } from '@playwright/test';
import { loadBuilds } from '../src/harness/builds.js';
import { control } from '../src/scenarios/control.js';

test('1 control: without protection the open v1 page breaks on a lazy route after a rolling deploy', async ({
  browser,
}) => {
  const result = await control({ browser, builds: await loadBuilds() });
  // The v1 chunk of /about is gone from every origin: 404, and the view shows the error.
  expect(result.failures.some((f) => /^404 \/assets\/about-/.test(f))).toBe(true);
  expect(result.failedNavigations).toBe(1);
  expect(result.reloads).toBe(0);
  expect(result.userSees).toMatchObject({ version: 'v1', route: '/about', state: 'error' });
});
