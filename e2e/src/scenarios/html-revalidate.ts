import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { startBucket } from '../harness/bucket.js';
import { buildDir } from '../harness/builds.js';
import { chunkVersion, pageRelease } from '../harness/responses.js';
import { siteFromBucket, startSimulation } from '../harness/simulation.js';
import { withStack } from '../harness/stack.js';
import { timedNotes } from '../harness/timeline.js';
import { openVisitor, type UserSees, type Visitor } from '../harness/visitor.js';
import { startWritePauseProxy } from '../harness/write-pause-proxy.js';
import type { ScenarioContext, ScenarioResult } from './types.js';

/** How nginx answered for the HTML (`/`): the release it names and what the cache did. */
export interface DocumentAnswer {
  /** `r1`, `r2`, or the release id when it is neither. */
  release: string;
  status: number;
  /** nginx's cache status: `MISS`, `REVALIDATED` (the bucket said 304), `EXPIRED` (it sent a new 200). */
  cache: string;
  /** The bucket's status behind the cache. */
  upstream: string;
}

/** One new visitor during (or after) the deploy: what it got and whether the page worked. */
export interface RevalidateVisit {
  /** The key the publish had just written (the visitor loaded the page while it waited), or a phase. */
  after: string;
  document: DocumentAnswer;
  sees: UserSees;
  /** Failed requests of this visit (a missing asset would be one). */
  failures: string[];
  /** Page loads nobody asked for. */
  reloads: number;
}

export interface HtmlRevalidateResult extends ScenarioResult {
  ids: { r1: string; r2: string };
  /** The HTML through the cache before the deploy: the tab's first load, then a revalidation. */
  before: DocumentAnswer[];
  /** A new visitor after every write of r2's publish, in order. */
  during: RevalidateVisit[];
  /** The next visitor once the publish is done, and one more request after it. */
  next: RevalidateVisit;
  again: DocumentAnswer;
  /** The tab open on r1 since before the deploy: its lazy routes after the publish. */
  openTab: {
    routes: Record<string, string>;
    version: string;
    chunk: string;
    reloads: number;
    failures: string[];
  };
}

/** Watch the HTML response of a page's next navigations. */
function documentAnswers(page: Page, label: (id: string) => string) {
  const seen: Omit<DocumentAnswer, 'release'>[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname !== '/' || response.request().resourceType() !== 'document') return;
    const h = response.headers();
    seen.push({
      status: response.status(),
      cache: h['x-cache-status'] ?? '',
      upstream: h['x-upstream-status'] ?? '',
    });
  });
  return async (): Promise<DocumentAnswer> => {
    const last = seen.at(-1) ?? { status: 0, cache: '', upstream: '' };
    return { release: label(await pageRelease(page)), ...last };
  };
}

/**
 * A CDN that caches the HTML and revalidates it (RFC 9111's `no-cache`: stored, asked about with its
 * ETag before every use; nginx with `proxy_cache_revalidate on`, see cdn-config.ts). The whole site is
 * in the bucket. r1 is live and a tab is open on it; r2 is published with Skewless's order, and after
 * every single write a new visitor loads the page through the cache. Until the HTML is written the
 * bucket answers the cache's revalidation with 304 and visitors get r1, whose assets are all there;
 * the first revalidation after it gets a 200 with r2's HTML, whose assets were uploaded and verified
 * before it. The open tab keeps running r1: its lazy chunks are still stored.
 */
export function htmlRevalidate({ browser, builds }: ScenarioContext): Promise<HtmlRevalidateResult> {
  return withStack(async (stack) => {
    const v1 = buildDir(builds, 'skewless', 1);
    const v2 = buildDir(builds, 'skewless', 2);
    const bucket = await startBucket(stack);
    const r1 = (await bucket.publish(v1, { html: true, label: 'r1' })).release;
    let r2 = '';
    const label = (id: string) => (id === r1 ? 'r1' : id && id === r2 ? 'r2' : id);
    const sim = await startSimulation(stack, {
      ...siteFromBucket(bucket, v1),
      cacheDocuments: 'revalidate',
    });
    const notes = timedNotes('r1 is live; the CDN caches the HTML and revalidates it on every request');
    const probe = async (): Promise<DocumentAnswer> => {
      const res = await fetch(`${sim.url}/`);
      const html = await res.text();
      const id = /<meta name="skewless-release" content="([^"]+)"/.exec(html)?.[1] ?? '';
      return {
        release: label(id),
        status: res.status,
        cache: res.headers.get('x-cache-status') ?? '',
        upstream: res.headers.get('x-upstream-status') ?? '',
      };
    };
    const shown = (d: DocumentAnswer) => `${d.release} (${d.cache}, bucket ${d.upstream})`;

    const tab = stack.use(await openVisitor(browser, sim.url), (v) => v.context.close());
    const tabDocument = documentAnswers(tab.page, label);
    await tab.goto('/');
    const before = [await tabDocument(), await probe()];
    notes.push(`a tab loads ${shown(before[0]!)}; the next request for / gets ${shown(before[1]!)}`);

    const visit = async (visitor: Visitor, after: string): Promise<RevalidateVisit> => {
      const answer = documentAnswers(visitor.page, label);
      await visitor.goto('/');
      const document = await answer();
      const sees = await visitor.sees();
      return { after, document, sees, failures: [...visitor.failedRequests], reloads: visitor.reloads() };
    };
    let failedNavigations = 0;
    let reloads = 0;
    const failures: string[] = [];
    const during: RevalidateVisit[] = [];
    const record = (v: RevalidateVisit) => {
      if (v.sees.state !== 'ready' || v.failures.length > 0) failedNavigations++;
      failures.push(...v.failures);
      reloads += v.reloads;
      notes.push(
        `after ${v.after}: a new visitor gets ${shown(v.document)} and sees ${v.sees.version} (${v.sees.state})`,
      );
    };
    const proxy = await startWritePauseProxy(stack, bucket.server.endpoint, async (key) => {
      const visitor = await openVisitor(browser, sim.url);
      try {
        const v = await visit(visitor, `writing ${key.replace(`/${bucket.server.bucket}/`, '')}`);
        during.push(v);
        record(v);
      } finally {
        await visitor.context.close();
      }
    });
    // Known before the publish starts, so the visitors during it can name it.
    r2 = JSON.parse(await readFile(`${v2}/.skewless/manifest.json`, 'utf8')).release;
    await bucket.publish(v2, { html: true, label: 'r2', endpoint: proxy.endpoint });
    notes.push(`r2 published after ${proxy.writes.length} writes`);

    const fresh = stack.use(await openVisitor(browser, sim.url), (v) => v.context.close());
    const next = await visit(fresh, 'the publish');
    record(next);
    const again = await probe();
    notes.push(`the next request for / gets ${shown(again)}`);

    const failedBefore = tab.failedRequests.length;
    const routes: Record<string, string> = {};
    for (const route of ['/about', '/news']) {
      routes[route] = await tab.openRoute(route);
      if (routes[route] !== 'ready') failedNavigations++;
    }
    const openTab = {
      routes,
      version: (await tab.sees()).version,
      chunk: await chunkVersion(tab.page),
      reloads: tab.reloads(),
      failures: tab.failedRequests.slice(failedBefore),
    };
    notes.push(
      `the tab open on r1 opens ${Object.entries(routes)
        .map(([r, s]) => `${r}: ${s}`)
        .join(', ')} on ${openTab.version} (chunk of v${openTab.chunk}), ${openTab.reloads} reloads`,
    );
    failures.push(...openTab.failures);
    const result: ScenarioResult = {
      id: '9-html-revalidate',
      title: 'A CDN that caches the HTML and revalidates it',
      expectation: 'clean',
      failedRequests: failures.length,
      failedNavigations,
      reloads: reloads + openTab.reloads,
      wrongBytes: 0,
      userSees: next.sees,
      failures,
      notes,
      screenshot: await fresh.screenshot(),
    };
    return { ...result, ids: { r1, r2 }, before, during, next, again, openTab };
  });
}
