import { midDeployVisit } from './mid-deploy-visit.js';
import type { Scenario } from './types.js';

/**
 * 4a: `app.js?v=2` behind a CDN whose cache key drops the query string. The early
 * visitor's miss for v2's entry reaches the v1 origin; v1's bytes are cached under the v2 URL and
 * served to everyone after the deploy.
 */
export const queryString: Scenario = (context) =>
  midDeployVisit(context, {
    id: '4a-query-string',
    title: 'Query-string versioning behind a cache that ignores the query',
    expectation: 'breaks',
    mode: 'query',
    // The query string is the cache buster, so the assets are cached "forever".
    origin: { kind: 'naive', assetsCacheControl: 'public, max-age=31536000' },
    cacheKey: 'uri',
  });

/**
 * 4b: hashed names, same pool, and the cache `skewless cdn-config --provider nginx` generates (its key
 * drops the query string too): the v1 origin has no file under a v2 name, so it answers a 404 that is
 * never stored; nothing of another release is cached.
 */
export const hashedNames: Scenario = (context) =>
  midDeployVisit(context, {
    id: '4b-hashed-names',
    title: 'Hashed names, same pool, the generated nginx config',
    expectation: 'clean',
    mode: 'skewless',
    origin: { kind: 'skewless' },
    cdn: 'skewless',
  });
