import { type BuildMode, buildDir } from '../harness/builds.js';
import type { OriginKind } from '../harness/origin-server.js';
import { startSimulation } from '../harness/simulation.js';
import { withStack } from '../harness/stack.js';
import { timedNotes } from '../harness/timeline.js';
import { openVisitor } from '../harness/visitor.js';
import { resultOf } from './result.js';
import type { Expectation, ScenarioContext, ScenarioResult } from './types.js';

/**
 * The shape of scenarios 1 and 2: assets live only on the origins; the user loads v1, the pool rolls
 * to v2, then the user opens the lazy route whose chunk changed (About).
 */
export function routeAfterDeploy(
  { browser, builds }: ScenarioContext,
  setup: { id: string; title: string; expectation: Expectation; mode: BuildMode; origin: OriginKind },
): Promise<ScenarioResult> {
  return withStack(async (stack) => {
    const v1 = buildDir(builds, setup.mode, 1);
    const v2 = buildDir(builds, setup.mode, 2);
    const sim = await startSimulation(stack, { initial: v1, origin: setup.origin, assets: 'origins' });
    const visitor = stack.use(await openVisitor(browser, sim.url), (v) => v.context.close());
    const notes = timedNotes();
    await visitor.goto('/');
    notes.push(`loaded ${(await visitor.sees()).version} from a pool of ${sim.origins.length} origins`);
    await sim.roll(v2, async (n) => {
      notes.push(`origin ${sim.origins[n - 1]!.name} now serves v2`);
    });
    const state = await visitor.openRoute('/about');
    notes.push(`opened /about: ${state}`);
    return resultOf(visitor, setup, { failedNavigations: state === 'ready' ? 0 : 1, notes });
  });
}
