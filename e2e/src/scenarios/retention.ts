import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startBucket } from '../harness/bucket.js';
import { type Release, RUN_DIR, viteBuild } from '../harness/builds.js';
import { chunkVersion, recordResponses, type SeenResponse } from '../harness/responses.js';
import { siteFromBucket, startSimulation } from '../harness/simulation.js';
import { withStack } from '../harness/stack.js';
import { timedNotes } from '../harness/timeline.js';
import { openVisitor } from '../harness/visitor.js';
import { resultOf } from './result.js';
import type { ScenarioContext, ScenarioResult } from './types.js';

/** What `prune` decided for one release, by the release's label (`r1` … `r4`). */
export interface LabelledDecision {
  label: string;
  kept: boolean;
  reason: string;
}

/** One deploy of the retention scenario and what the open tab did after it. */
export interface RetentionStep {
  /** The release deployed in this step (uploaded with its HTML, so it became current). */
  deployed: Release;
  /** What the prune after the deploy decided, newest upload first. */
  decisions: LabelledDecision[];
  /** The lazy route the open tab opened next, and how it ended. */
  route: string;
  state: string;
  /** The release of the app code the tab runs after the route settled (`v1` …). */
  version: string;
  /** The release the route's chunk was built for. */
  chunk: string;
  /** Requests that failed and page loads nobody asked for during this step. */
  failures: string[];
  reloads: number;
}

export interface RetentionResult extends ScenarioResult {
  steps: RetentionStep[];
  /** Every error response the tab got, with nginx's cache status. */
  errors: SeenResponse[];
  /** The labels `releases()` lists at the end, newest first, and the current one's label. */
  stored: string[];
  current: string;
}

const RELEASES: readonly Release[] = [1, 2, 3, 4];
const KEEP = 2;

/**
 * Retention: the whole site is in the bucket, served through the CDN. A tab opens release 1 and stays
 * open while releases 2, 3 and 4 are deployed, each uploaded with its HTML and followed by
 * `prune({ keep: 2, minAgeMs: 0 })`. While release 1 is among the two newest uploads its lazy chunks are
 * still there; once a prune drops it, the tab's next lazy route asks for a chunk that is gone, and the
 * runtime reloads it once onto the current release, which the following prune keeps.
 */
export function retention({ browser }: ScenarioContext): Promise<RetentionResult> {
  return withStack(async (stack) => {
    await mkdir(RUN_DIR, { recursive: true });
    const root = stack.use(await mkdtemp(join(RUN_DIR, 'retention-')), (dir) =>
      rm(dir, { recursive: true, force: true }),
    );
    const dirs = RELEASES.map((n) => join(root, `v${n}`));
    // Two builds at a time: the machine has two cores.
    await Promise.all(
      [0, 2].map(async (i) => {
        await viteBuild('skewless', RELEASES[i]!, dirs[i]!);
        await viteBuild('skewless', RELEASES[i + 1]!, dirs[i + 1]!);
      }),
    );
    const { prune, releases } = await import('@skewless/uploader');
    const bucket = await startBucket(stack);
    const labels = new Map<string, string>();
    const deploy = async (n: Release) => {
      const uploaded = await bucket.publish(dirs[n - 1]!, { html: true, label: `r${n}` });
      labels.set(uploaded.release, `r${n}`);
    };
    await deploy(1);
    const sim = await startSimulation(stack, {
      ...siteFromBucket(bucket, dirs[0]!),
    });
    const notes = timedNotes('r1 is live: every file in the bucket, served through the CDN');
    const visitor = stack.use(await openVisitor(browser, sim.url), (v) => v.context.close());
    const responses = recordResponses(visitor.page);
    await visitor.goto('/');
    notes.push(`the tab loads ${(await visitor.sees()).version}`);
    // Each step opens a route whose chunk the tab has not loaded yet and that differs per release, so it
    // asks the CDN for a file of the tab's release: News while r1 is stored, About once it is pruned, then
    // News again on the release the tab reloaded onto.
    const routes: Record<number, string> = { 2: '/news', 3: '/about', 4: '/news' };
    const steps: RetentionStep[] = [];
    let failedNavigations = 0;
    for (const n of RELEASES.slice(1)) {
      await deploy(n);
      const pruned = await prune({ ...bucket.target, keep: KEEP, minAgeMs: 0 });
      const decisions = pruned.decisions.map((d) => ({
        label: labels.get(d.release) ?? d.release,
        kept: d.kept,
        reason: d.reason,
      }));
      notes.push(
        `r${n} deployed; prune keeps ${decisions
          .filter((d) => d.kept)
          .map((d) => d.label)
          .join(', ')}` +
          `${pruned.dropped.length ? `, drops ${pruned.dropped.map((id) => labels.get(id)).join(', ')}` : ''}`,
      );
      const failedBefore = visitor.failedRequests.length;
      const reloadsBefore = visitor.reloads();
      const route = routes[n]!;
      const state = await visitor.openRoute(route);
      if (state !== 'ready') failedNavigations++;
      const sees = await visitor.sees();
      const step: RetentionStep = {
        deployed: n,
        decisions,
        route,
        state,
        version: sees.version,
        chunk: await chunkVersion(visitor.page),
        failures: visitor.failedRequests.slice(failedBefore),
        reloads: visitor.reloads() - reloadsBefore,
      };
      steps.push(step);
      notes.push(
        `the tab opens ${route}: ${state} on ${step.version} (chunk of v${step.chunk})` +
          `${step.failures.length ? `, after ${step.failures.join(', ')}` : ''}` +
          `${step.reloads ? `, ${step.reloads} reload` : ''}`,
      );
    }
    const errors = responses.filter((r) => r.status >= 400);
    for (const error of errors) {
      // Ask again: a pruned file stays gone, and the CDN did not keep the 404 either.
      const again = await fetch(sim.url + error.path);
      await again.arrayBuffer();
      notes.push(
        `${error.status} ${error.path} (cache ${error.cache || '-'}); asked again: ${again.status}, cache ${again.headers.get('x-cache-status') ?? '-'}`,
      );
    }
    const listed = await releases(bucket.target);
    const stored = listed.releases.map((r) => r.label ?? r.release);
    const current = listed.releases.find((r) => r.current)?.label ?? '';
    notes.push(`releases() lists ${stored.join(', ')}; current ${current}`);
    const result = await resultOf(
      visitor,
      {
        id: '7-retention',
        title: 'Retention: prune keep 2 while a tab of release 1 stays open',
        expectation: 'recovers',
      },
      { failedNavigations, notes },
    );
    return { ...result, steps, errors, stored, current };
  });
}
