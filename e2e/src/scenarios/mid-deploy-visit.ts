import { type BuildMode, buildDir } from '../harness/builds.js';
import type { CdnOptions } from '../harness/cdn-config.js';
import { earlyVisit } from '../harness/early-visitor.js';
import type { OriginKind } from '../harness/origin-server.js';
import { wrongBytes } from '../harness/release-bytes.js';
import { startSimulation } from '../harness/simulation.js';
import { withStack } from '../harness/stack.js';
import { timedNotes } from '../harness/timeline.js';
import { openVisitor } from '../harness/visitor.js';
import { resultOf } from './result.js';
import type { Expectation, ScenarioContext, ScenarioResult } from './types.js';

/** One side of a scenario whose harm is done by an early visitor while the pool is mixed. */
export interface MidDeploySetup {
  id: string;
  title: string;
  expectation: Expectation;
  mode: BuildMode;
  origin: OriginKind;
  cacheKey?: CdnOptions['cacheKey'];
  /** See SimulationOptions.cdn. @default 'scenario' */
  cdn?: 'scenario' | 'skewless';
}

/**
 * The shape of scenarios 4 and 5: origin A rolls to v2 while B still runs v1; an early visitor gets
 * v2's HTML and its first asset miss goes to B (see earlyVisit). Then the deploy completes and a
 * user loads v2 in the browser and opens a lazy route: whatever the CDN kept from the mixed moment,
 * the user gets.
 */
export function midDeployVisit(
  { browser, builds }: ScenarioContext,
  setup: MidDeploySetup,
): Promise<ScenarioResult> {
  return withStack(async (stack) => {
    const v1 = buildDir(builds, setup.mode, 1);
    const v2 = buildDir(builds, setup.mode, 2);
    const sim = await startSimulation(stack, {
      initial: v1,
      origin: setup.origin,
      assets: 'origins',
      cacheKey: setup.cacheKey,
      cdn: setup.cdn,
    });
    const name = (upstream: string | undefined) =>
      sim.origins.find((o) => upstream?.endsWith(`:${o.port}`))?.name ?? upstream ?? '?';
    const notes = timedNotes();
    if (setup.cdn === 'skewless')
      notes.push('nginx runs the config `skewless cdn-config --provider nginx` prints');
    await sim.origins[0]!.deploy(v2);
    notes.push('origin A serves v2, origin B still v1');
    const early = await earlyVisit(sim.url, v2, sim.origins.length);
    const earlyWrong = await wrongBytes(v2, early.bodies);
    notes.push(
      `early visitor got v2's HTML, then ${early.assets.map((a) => `${a.status} ${a.url} from ${name(a.upstream)}`).join(', ')}`,
    );
    if (earlyWrong.length) notes.push(`early visitor got other-release bytes for ${earlyWrong.join(', ')}`);
    await sim.origins[1]!.deploy(v2);
    notes.push('origin B serves v2: the deploy is complete');
    const visitor = stack.use(await openVisitor(browser, sim.url), (v) => v.context.close());
    await visitor.goto('/');
    const state = (await visitor.sees()).state === 'blank' ? 'blank' : await visitor.openRoute('/about');
    const userWrong = await wrongBytes(v2, await visitor.assetBodies());
    const sees = await visitor.sees();
    notes.push(
      state === 'blank'
        ? "a user loads v2's HTML; the app never starts (blank page)"
        : `a user loads v2's HTML and runs ${sees.version}; /about: ${state}`,
    );
    if (userWrong.length) notes.push(`the user got other-release bytes for ${userWrong.join(', ')}`);
    for (const failure of visitor.failedRequests) {
      // Ask the CDN again, now that every origin has the file: a HIT means the error itself is cached.
      const path = failure.slice(failure.indexOf(' ') + 1);
      const again = await fetch(sim.url + path);
      notes.push(
        `${failure} for the user; asked again now: ${again.status}, cache ${again.headers.get('x-cache-status')}`,
      );
    }
    return resultOf(visitor, setup, {
      failedNavigations: state === 'ready' ? 0 : 1,
      // v2's HTML running anything but v2's code is a failure, even when every status is 200.
      wrongBytes: earlyWrong.length + userWrong.length,
      notes,
    });
  });
}
