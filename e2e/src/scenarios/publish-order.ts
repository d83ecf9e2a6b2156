import { type Bucket, startBucket } from '../harness/bucket.js';
import { buildDir } from '../harness/builds.js';
import { publishHtmlFirst } from '../harness/naive-publish.js';
import { siteFromBucket, startSimulation } from '../harness/simulation.js';
import { withStack } from '../harness/stack.js';
import { timedNotes } from '../harness/timeline.js';
import { openVisitor, type UserSees } from '../harness/visitor.js';
import { startWritePauseProxy } from '../harness/write-pause-proxy.js';
import type { Expectation, Scenario, ScenarioContext, ScenarioResult } from './types.js';

type Publisher = (bucket: Bucket, endpoint: string, dir: string) => Promise<unknown>;

/**
 * Scenario 6: the whole site (HTML and assets) is served from the bucket through the CDN; v1 is live
 * and v2 is published. After every single write of the publish, a new user loads the page: the order
 * of the writes decides whether any of those moments is broken.
 */
function publishOrder(
  { browser, builds }: ScenarioContext,
  setup: { id: string; title: string; expectation: Expectation; publish: Publisher },
): Promise<ScenarioResult> {
  return withStack(async (stack) => {
    const v1 = buildDir(builds, 'skewless', 1);
    const v2 = buildDir(builds, 'skewless', 2);
    const bucket = await startBucket(stack);
    await bucket.publish(v1, { html: true });
    const sim = await startSimulation(stack, {
      ...siteFromBucket(bucket, v1),
    });
    const notes = timedNotes('v1 is live: every file in the bucket, served through the CDN');
    const failures: string[] = [];
    let failedNavigations = 0;
    let reloads = 0;
    let screenshot: Buffer | undefined;
    let sees: UserSees | undefined;
    const proxy = await startWritePauseProxy(stack, bucket.server.endpoint, async (key) => {
      const visitor = await openVisitor(browser, sim.url);
      try {
        await visitor.goto('/');
        const now = await visitor.sees();
        const broken = now.state !== 'ready' || visitor.failedRequests.length > 0;
        if (broken) failedNavigations++;
        failures.push(...visitor.failedRequests);
        reloads += visitor.reloads();
        notes.push(`after writing ${key}: a new user sees ${now.version || 'nothing'} (${now.state})`);
        // Keep the first broken moment (or the last one when none broke) for the report.
        if (!screenshot || (broken && failedNavigations === 1)) {
          screenshot = await visitor.screenshot();
          sees = now;
        } else if (failedNavigations === 0) {
          screenshot = await visitor.screenshot();
          sees = now;
        }
      } finally {
        await visitor.context.close();
      }
    });
    await setup.publish(bucket, proxy.endpoint, v2);
    notes.push(`publish finished after ${proxy.writes.length} writes`);
    return {
      id: setup.id,
      title: setup.title,
      expectation: setup.expectation,
      failedRequests: failures.length,
      failedNavigations,
      reloads,
      wrongBytes: 0,
      userSees: sees ?? { version: '', route: '', state: 'blank', text: '' },
      failures,
      notes,
      screenshot,
    };
  });
}

/** 6a: a deploy script that copies index.html first, then the assets. */
export const htmlFirst: Scenario = (context) =>
  publishOrder(context, {
    id: '6a-html-first',
    title: 'HTML published before its assets',
    expectation: 'breaks',
    publish: (bucket, endpoint, dir) => publishHtmlFirst(endpoint, bucket.server.bucket, dir),
  });

/** 6b: Skewless's order: assets, verify, then the documents. */
export const skewlessOrder: Scenario = (context) =>
  publishOrder(context, {
    id: '6b-skewless-order',
    title: 'Skewless order: assets, verify, HTML',
    expectation: 'clean',
    publish: (bucket, endpoint, dir) => bucket.publish(dir, { html: true, endpoint }),
  });
