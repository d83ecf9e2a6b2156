import type { ReleasesResult, RollbackResult } from '@skewless/uploader';
import { startBucket } from '../harness/bucket.js';
import { buildDir } from '../harness/builds.js';
import { chunkVersion, pageRelease, recordResponses, type SeenResponse } from '../harness/responses.js';
import { siteFromBucket, startSimulation } from '../harness/simulation.js';
import { withStack } from '../harness/stack.js';
import { timedNotes } from '../harness/timeline.js';
import { openVisitor } from '../harness/visitor.js';
import { resultOf } from './result.js';
import type { ScenarioContext, ScenarioResult } from './types.js';

export interface RollbackScenarioResult extends ScenarioResult {
  /** The ids of r1 and r2 as uploaded. */
  ids: { r1: string; r2: string };
  rollback: RollbackResult;
  /** What `releases()` reports after the rollback. */
  listed: ReleasesResult;
  /** The new visitor: the release its HTML's meta tag names, and every response it got through the CDN. */
  fresh: { release: string; responses: SeenResponse[]; routes: Record<string, string> };
  /** The `skewless.json` the CDN serves after the rollback. */
  releaseFile: unknown;
  /** The Cache-Control of `/` through the CDN before and after the rollback (republished from the copy). */
  documentCacheControl: { before: string; after: string };
  /** The tab open on r2 since before the rollback: its next lazy route. */
  openTab: { state: string; version: string; chunk: string; reloads: number; failures: string[] };
}

/**
 * Rollback: the whole site is in the bucket, served through the CDN, documents included (no-cache, so
 * the cache asks the bucket every time). r1 then r2 are deployed with their HTML; a tab opens r2;
 * `rollback({ release: 'previous' })` republishes r1's stored documents. A new visitor gets r1's HTML
 * and every file it asks for; the open r2 tab still finds r2's files (a rollback deletes nothing).
 */
export function rollbackScenario({ browser, builds }: ScenarioContext): Promise<RollbackScenarioResult> {
  return withStack(async (stack) => {
    const v1 = buildDir(builds, 'skewless', 1);
    const v2 = buildDir(builds, 'skewless', 2);
    const { releases, rollback } = await import('@skewless/uploader');
    const bucket = await startBucket(stack);
    const r1 = (await bucket.publish(v1, { html: true, label: 'r1' })).release;
    const sim = await startSimulation(stack, {
      ...siteFromBucket(bucket, v1),
      cacheDocuments: true,
    });
    const notes = timedNotes('r1 is live: every file in the bucket, served through the CDN (documents too)');
    const r2 = (await bucket.publish(v2, { html: true, label: 'r2' })).release;
    notes.push('r2 deployed with its HTML');
    const tab = stack.use(await openVisitor(browser, sim.url), (v) => v.context.close());
    await tab.goto('/');
    notes.push(`a tab loads ${(await tab.sees()).version}`);

    const cacheControl = async () => {
      const res = await fetch(`${sim.url}/`);
      await res.arrayBuffer();
      return res.headers.get('cache-control') ?? '';
    };
    const before = await cacheControl();
    const rolled = await rollback({ ...bucket.target, release: 'previous' });
    notes.push(
      `rollback to previous: ${rolled.release === r1 ? 'r1' : rolled.release} republished ${rolled.documents.join(', ')}`,
    );
    const listed = await releases(bucket.target);
    notes.push(
      `releases(): ${listed.releases.map((r) => `${r.label} ${r.state}${r.current ? ' (current)' : ''}`).join(', ')}`,
    );
    const documentCacheControl = { before, after: await cacheControl() };
    // Read through the cache. Under the full suite's load an empty 200 was seen here once (cause not yet
    // found: s3rver's file store or nginx); it is read again then, and the notes say so.
    let releaseFile: { release?: string } = {};
    for (let attempt = 1; attempt <= 3; attempt++) {
      const res = await fetch(`${sim.url}/skewless.json`);
      const text = await res.text();
      if (res.status === 200 && text.trim() !== '') {
        releaseFile = JSON.parse(text);
        break;
      }
      notes.push(`skewless.json read ${attempt}: ${res.status} with ${text.length} bytes; reading again`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const fresh = stack.use(await openVisitor(browser, sim.url), (v) => v.context.close());
    const responses = recordResponses(fresh.page);
    await fresh.goto('/');
    const release = await pageRelease(fresh.page);
    notes.push(
      `a new visitor gets the HTML of ${release === r1 ? 'r1' : release === r2 ? 'r2' : release} and runs ${(await fresh.sees()).version}`,
    );
    let failedNavigations = 0;
    const routes: Record<string, string> = {};
    for (const route of ['/about', '/news', '/gallery']) {
      routes[route] = await fresh.openRoute(route);
      if (routes[route] !== 'ready') failedNavigations++;
    }
    notes.push(
      `the new visitor opens ${Object.entries(routes)
        .map(([r, s]) => `${r}: ${s}`)
        .join(', ')}`,
    );
    const html = responses.find((r) => r.path === '/');
    notes.push(`its HTML: ${html?.status}, cache ${html?.cache || '-'}`);

    const failedBefore = tab.failedRequests.length;
    const tabState = await tab.openRoute('/about');
    const openTab = {
      state: tabState,
      version: (await tab.sees()).version,
      chunk: await chunkVersion(tab.page),
      reloads: tab.reloads(),
      failures: tab.failedRequests.slice(failedBefore),
    };
    if (tabState !== 'ready') failedNavigations++;
    notes.push(
      `the tab open on r2 opens /about: ${tabState} on ${openTab.version} (chunk of v${openTab.chunk}), ${openTab.reloads} reloads`,
    );
    fresh.failedRequests.push(...tab.failedRequests);
    const result = await resultOf(
      fresh,
      { id: '8-rollback', title: 'Rollback to the previous release, through the CDN', expectation: 'clean' },
      { failedNavigations, otherReloads: tab.reloads(), notes },
    );
    return {
      ...result,
      ids: { r1, r2 },
      rollback: rolled,
      listed,
      fresh: { release, responses, routes },
      releaseFile,
      documentCacheControl,
      openTab,
    };
  });
}
