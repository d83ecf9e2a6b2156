import { startBucket } from '../harness/bucket.js';
import { buildDir } from '../harness/builds.js';
import { startSimulation } from '../harness/simulation.js';
import { withStack } from '../harness/stack.js';
import { openVisitor } from '../harness/visitor.js';
import { resultOf } from './result.js';
import type { Scenario } from './types.js';

/**
 * Scenario 3: Skewless complete. v1's and v2's assets are in the bucket before any origin switches
 * (the plugin's upload runs before the HTML ships), `/assets/*` is served from the bucket through the
 * CDN, the origins serve HTML with the origin middleware. The open v1 page keeps working through the
 * whole rolling deploy: it opens a lazy route while the pool is mixed and again when it is complete.
 */
export const complete: Scenario = ({ browser, builds }) =>
  withStack(async (stack) => {
    const v1 = buildDir(builds, 'skewless', 1);
    const v2 = buildDir(builds, 'skewless', 2);
    const bucket = await startBucket(stack);
    const notes: string[] = [];
    const first = await bucket.publish(v1);
    notes.push(`v1 assets published to the bucket (${first.uploaded} files)`);
    const sim = await startSimulation(stack, {
      initial: v1,
      origin: { kind: 'skewless' },
      assets: 'bucket',
      bucket: bucket.route,
    });
    const visitor = stack.use(await openVisitor(browser, sim.url), (v) => v.context.close());
    await visitor.goto('/');
    notes.push(`loaded ${(await visitor.sees()).version}`);
    const second = await bucket.publish(v2);
    notes.push(
      `v2 assets published before any origin switched (${second.uploaded} new, ${second.skipped} unchanged)`,
    );
    let failedNavigations = 0;
    const routes = ['/gallery', '/about'];
    await sim.roll(v2, async (n) => {
      const path = routes[(n - 1) % routes.length]!;
      const state = await visitor.openRoute(path);
      if (state !== 'ready') failedNavigations++;
      notes.push(`origin ${sim.origins[n - 1]!.name} now serves v2; the v1 page opened ${path}: ${state}`);
    });
    const state = await visitor.openRoute('/');
    if (state !== 'ready') failedNavigations++;
    notes.push(`after the deploy the v1 page opened /: ${state}`);
    return resultOf(
      visitor,
      {
        id: '3-complete',
        title: 'Skewless complete: both releases in the bucket first',
        expectation: 'clean',
      },
      { failedNavigations, notes },
    );
  });
