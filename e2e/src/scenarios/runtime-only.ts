import { routeAfterDeploy } from './route-after-deploy.js';
import type { Scenario } from './types.js';

/**
 * Scenario 2: @skewless/runtime alone, assets still only on the origins. The chunk still 404s; the
 * runtime sees a new release and reloads once, and the user lands on v2 with the route working.
 */
export const runtimeOnly: Scenario = (context) =>
  routeAfterDeploy(context, {
    id: '2-runtime-only',
    title: 'Runtime only: guarded reload, assets only on the origins',
    expectation: 'recovers',
    mode: 'skewless',
    origin: { kind: 'skewless' },
  });
