import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startBucket } from '../harness/bucket.js';
import { RUN_DIR, viteBuild } from '../harness/builds.js';
import { startSimulation } from '../harness/simulation.js';
import { withStack } from '../harness/stack.js';
import { timedNotes } from '../harness/timeline.js';
import { openVisitor } from '../harness/visitor.js';
import { resultOf } from './result.js';
import type { Scenario } from './types.js';

/**
 * Scenario 3: Skewless complete. The playground's own `vite build` uploads each release's assets to
 * the bucket (@skewless/vite's `upload` option), v2's before any origin switches; `/assets/*` is
 * served from the bucket through the CDN, the origins serve HTML with the origin middleware. The
 * open v1 page keeps working through the whole rolling deploy: it opens a lazy route while the pool
 * is mixed and again when it is complete.
 */
export const complete: Scenario = ({ browser }) =>
  withStack(async (stack) => {
    const bucket = await startBucket(stack);
    await mkdir(RUN_DIR, { recursive: true });
    const root = stack.use(await mkdtemp(join(RUN_DIR, 'complete-')), (dir) =>
      rm(dir, { recursive: true, force: true }),
    );
    const v1 = join(root, 'v1');
    const v2 = join(root, 'v2');
    const notes = timedNotes();
    await viteBuild('skewless', 1, v1, bucket.buildEnv());
    notes.push('v1 built; the plugin uploaded its assets to the bucket');
    const sim = await startSimulation(stack, {
      initial: v1,
      origin: { kind: 'skewless' },
      assets: 'bucket',
      bucket: bucket.route,
    });
    const visitor = stack.use(await openVisitor(browser, sim.url), (v) => v.context.close());
    await visitor.goto('/');
    notes.push(`loaded ${(await visitor.sees()).version}`);
    await viteBuild('skewless', 2, v2, bucket.buildEnv());
    notes.push('v2 built; the plugin uploaded its assets before any origin switched');
    let failedNavigations = 0;
    // /about is the route whose code differs between v1 and v2: open it while the pool is mixed,
    // when a v1 chunk fetched through a v2 origin would break without the bucket.
    const routes = ['/about', '/gallery'];
    await sim.roll(v2, async (n) => {
      const path = routes[(n - 1) % routes.length]!;
      const state = await visitor.openRoute(path);
      if (state !== 'ready') failedNavigations++;
      notes.push(`origin ${sim.origins[n - 1]!.name} now serves v2; the v1 page opened ${path}: ${state}`);
    });
    const state = await visitor.openRoute('/');
    if (state !== 'ready') failedNavigations++;
    notes.push(`after the deploy the v1 page opened /: ${state}`);
    // The deploy did switch releases: a new visitor gets v2, also with nothing failing.
    const fresh = stack.use(await openVisitor(browser, sim.url), (v) => v.context.close());
    await fresh.goto('/');
    const freshState = await fresh.openRoute('/about');
    if (freshState !== 'ready') failedNavigations++;
    notes.push(`a new visitor loads ${(await fresh.sees()).version} and opens /about: ${freshState}`);
    visitor.failedRequests.push(...fresh.failedRequests);
    return resultOf(
      visitor,
      {
        id: '3-complete',
        title: 'Skewless complete: both releases in the bucket first',
        expectation: 'clean',
      },
      { failedNavigations, otherReloads: fresh.reloads(), notes },
    );
  });
