import { type BuildMode, buildDir } from '../harness/builds.js';
import { earlyVisit } from '../harness/early-visitor.js';
import type { OriginKind } from '../harness/origin-server.js';
import { wrongBytes } from '../harness/release-bytes.js';
import { startSimulation } from '../harness/simulation.js';
import { withStack } from '../harness/stack.js';
import { openVisitor } from '../harness/visitor.js';
import { resultOf } from './result.js';
import type { Expectation, Scenario, ScenarioContext, ScenarioResult } from './types.js';

/**
 * Seeds 001/003: a CDN that ignores the query string in front of a round-robin pool. Origin A rolls to
 * v2 while B still runs v1; an early visitor gets v2's HTML and its first asset miss goes to B. Then
 * the deploy completes and a user loads v2 in the browser.
 */
function cacheIgnoringQuery(
  { browser, builds }: ScenarioContext,
  setup: { id: string; title: string; expectation: Expectation; mode: BuildMode; origin: OriginKind },
): Promise<ScenarioResult> {
  return withStack(async (stack) => {
    const v1 = buildDir(builds, setup.mode, 1);
    const v2 = buildDir(builds, setup.mode, 2);
    const sim = await startSimulation(stack, {
      initial: v1,
      origin: setup.origin,
      assets: 'origins',
      cacheKey: 'uri',
    });
    const notes: string[] = [];
    await sim.origins[0]!.deploy(v2);
    notes.push(`origin A serves v2, origin B still v1; the CDN's cache key drops the query string`);
    const early = await earlyVisit(sim.url, v2, sim.origins.length);
    const earlyWrong = await wrongBytes(v2, early.bodies);
    notes.push(`early visitor got v2's HTML, then: ${early.assets.join(', ')}`);
    notes.push(`early visitor received ${earlyWrong.length} asset(s) with another release's bytes`);
    await sim.origins[1]!.deploy(v2);
    notes.push('origin B serves v2: the deploy is complete');
    const visitor = stack.use(await openVisitor(browser, sim.url), (v) => v.context.close());
    await visitor.goto('/');
    const state = await visitor.openRoute('/about');
    const userWrong = await wrongBytes(v2, await visitor.assetBodies());
    const sees = await visitor.sees();
    notes.push(`a user loads v2's HTML and runs ${sees.version || 'nothing'}; /about: ${state}`);
    if (userWrong.length) notes.push(`the user got other-release bytes for ${userWrong.join(', ')}`);
    return resultOf(visitor, setup, {
      failedNavigations: state === 'ready' ? 0 : 1,
      // v2's HTML running anything but v2's code is the failure, even when every status is 200.
      wrongBytes: earlyWrong.length + userWrong.length,
      notes,
    });
  });
}

/** 4a: `app.js?v=2`: v1's bytes are cached under the v2 URL and served to everyone after the deploy. */
export const queryString: Scenario = (context) =>
  cacheIgnoringQuery(context, {
    id: '4a-query-string',
    title: 'Query-string versioning behind a cache that ignores the query',
    expectation: 'breaks',
    mode: 'query',
    // The query string is the cache buster, so the assets are cached "forever".
    origin: { kind: 'naive', assetsCacheControl: 'public, max-age=31536000' },
  });

/**
 * 4b: hashed names, same pool and cache: the v1 origin has no file under a v2 name, so it answers a
 * 404 that the origin middleware marks no-store; nothing wrong is cached.
 */
export const hashedNames: Scenario = (context) =>
  cacheIgnoringQuery(context, {
    id: '4b-hashed-names',
    title: 'Hashed names, same cache and pool',
    expectation: 'clean',
    mode: 'skewless',
    origin: { kind: 'skewless' },
  });
