import { midDeployVisit } from './mid-deploy-visit.js';
import type { Scenario } from './types.js';

/**
 * 5a: the origin puts its year-long asset Cache-Control on errors too. The early visitor's
 * miss for v2's entry reaches the v1 origin: a 404 the CDN keeps for a year, served to every user
 * after the file exists everywhere.
 */
export const cached404: Scenario = (context) =>
  midDeployVisit(context, {
    id: '5a-cached-404',
    title: 'A 404 with long cache headers, cached by the CDN',
    expectation: 'breaks',
    mode: 'plain',
    origin: { kind: 'naive', assetsCacheControl: 'public, max-age=31536000, immutable' },
  });

/** 5b: the origin middleware answers errors with no-store: the CDN asks again and the file is there. */
export const noStoreErrors: Scenario = (context) =>
  midDeployVisit(context, {
    id: '5b-no-store-errors',
    title: 'Errors with no-store from the origin middleware',
    expectation: 'clean',
    mode: 'skewless',
    origin: { kind: 'skewless' },
  });
