import { expect, it } from 'vitest';
// @ts-expect-error plain ESM script, typed by its JSDoc
import { BUDGET, measure } from '../scripts/size.mjs';

// A measurement against the budgets in scripts/size.mjs, not a timing.
it('the runtime and both inline guards stay within their min+gzip budgets', async () => {
  const sizes = await measure();
  expect(sizes.runtime.gzip).toBeLessThanOrEqual(BUDGET.runtime);
  expect(sizes.guard.gzip).toBeLessThanOrEqual(BUDGET.guard);
  expect(sizes.frameworkGuard.gzip).toBeLessThanOrEqual(BUDGET.frameworkGuard);
}, 30_000);
