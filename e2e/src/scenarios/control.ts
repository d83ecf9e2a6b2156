import { routeAfterDeploy } from './route-after-deploy.js';
import type { Scenario } from './types.js';

/** Scenario 1: no protection. The open v1 page asks for a chunk no origin has any more. */
export const control: Scenario = (context) =>
  routeAfterDeploy(context, {
    id: '1-control',
    title: 'Control: no protection, assets only on the origins',
    expectation: 'breaks',
    mode: 'plain',
    origin: { kind: 'naive' },
  });
