import { randomBytes } from 'node:crypto';
import type { PruneOptions, PruneResult } from '@skewless/core';
import { assertOptions, SkewlessError, silentLogger } from '@skewless/core';
import { preparePurge, purgePruned } from '../purge/purge.js';
import { openTarget } from '../targets/open.js';
import { parseTarget } from '../targets/parse.js';
import { withRetries } from '../targets/retry.js';
import { DELETE_BATCH, type RemoveRequest } from '../targets/target.js';
import { RELEASES_DIR } from './paths.js';
import { LEASE_MS, PENDING_EXPIRY_MS, ReleaseStore, type StoredRelease } from './store.js';

/** Releases `prune` keeps when `keep` is not given. */
export const DEFAULT_KEEP = 10;
/** How long a release must have been retired before `prune` may drop it, when `minAgeMs` is not given. */
export const DEFAULT_MIN_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** A prune stops deleting this long before its lease ends, so no upload waits on a lease it outlived. */
const LEASE_MARGIN_MS = 60_000;

/** Why each release was kept or dropped, for `--verbose` and `--json`. */
export interface PruneDecision {
  release: string;
  label?: string;
  kept: boolean;
  reason: string;
}

/**
 * Delete the objects only releases that are both old and long retired reference. A release is dropped
 * when it is beyond the `keep` newest uploads AND was replaced as current at least `minAgeMs` ago; the
 * current release and releases still being uploaded (pending) are always kept. Works from the records
 * `upload` stores, so it never touches an object no Skewless release listed (files of other tools), and
 * only below the target's prefix. While it decides and deletes it holds the store's lease: an upload that
 * starts meanwhile waits for it before it lists the target, so a file that upload skips as present is
 * never deleted under it; an upload that started earlier has its pending record read here, and its files
 * are kept. Deletes go in batches, conditional on the listed ETag where the server supports it; the
 * records go last, so an interrupted prune can simply be run again. With `purge`, the CDNs are asked to
 * drop their copies once everything is deleted (before, a visitor could make the CDN fetch and cache
 * an object again).
 */
export async function prune(
  options: PruneOptions,
  /** The local clock the lease is timed on (a test moves it past the lease between two batches). */
  clock: () => number = Date.now,
): Promise<PruneResult & { decisions: PruneDecision[] }> {
  const logger = options.logger ?? silentLogger;
  assertOptions(options, { command: 'prune' });
  parseTarget(options.to);
  // Before anything is deleted: a purge that could not run (no token, no SDK) stops the prune now.
  const purgeTargets = preparePurge(options.purge ?? [], options.publicUrl, 'Nothing was deleted.');
  const keep = options.keep ?? DEFAULT_KEEP;
  const minAge = options.minAgeMs ?? DEFAULT_MIN_AGE_MS;
  const retry = { attempts: options.attempts ?? 5, baseDelayMs: options.retryDelayMs ?? 200 };
  const target = withRetries(await openTarget(options), retry);
  const store = new ReleaseStore(target);
  const dryRun = options.dryRun ?? false;
  let leased = false;
  try {
    // The server's clock, from the lease's own write: every age below is measured on it.
    const now = dryRun ? Date.now() : await store.takeLease(randomBytes(8).toString('hex'));
    leased = !dryRun;
    const started = clock();
    const listing = await target.list();
    const releases = await store.readAll(listing);
    const live = await store.live();
    const decisions = releases.map((r, i) => decide(r, i, releases, { keep, minAge, now, live }));
    const kept = releases.filter((_, i) => decisions[i]!.kept);
    const dropped = releases.filter((_, i) => !decisions[i]!.kept);
    const unknown = live.filter((id) => !releases.some((r) => r.release === id));
    if (unknown.length > 0 && dropped.length > 0) {
      // A live release's files are unknown: any of them may be listed by a release about to be dropped.
      throw new SkewlessError(
        'INVALID_MANIFEST',
        `${target.url} names ${unknown.join(' and ')} as live, but no record of it is stored under ${RELEASES_DIR}/, so prune cannot tell which files it needs. Nothing was deleted; upload that build again (it stores its record), then prune.`,
      );
    }
    const needed = new Set(kept.flatMap((r) => r.manifest.files.map((f) => f.path)));
    const doomed = new Set<string>();
    for (const r of dropped)
      for (const f of r.manifest.files) if (!needed.has(f.path) && listing.has(f.path)) doomed.add(f.path);
    const assets = [...doomed].sort();
    const records = dropped.flatMap((r) =>
      store.recordKeys(r.release, listing).filter((k) => listing.has(k)),
    );
    let order = [...assets, ...records];
    let gone = assets;
    for (const d of decisions) logger.debug(`${d.kept ? 'keep' : 'drop'} ${d.release}: ${d.reason}`);

    if (!dryRun) {
      const removal = (path: string): RemoveRequest => ({ path, etag: listing.get(path)?.etag });
      // An object written again since the listing (its ETag changed) is kept by the condition: it is
      // neither reported as deleted nor purged.
      const kept = new Set<string>();
      const batches = [...batchesOf(assets), ...batchesOf(records)];
      let done = 0;
      for (const batch of batches) {
        // Before each batch: an upload that starts once the lease has ended lists the target and skips
        // what it finds there, so no batch may start that could still run after the lease.
        if (clock() - started > LEASE_MS - LEASE_MARGIN_MS) throw outlived(target.url, done, order.length);
        for (const path of await target.removeMany(batch.map(removal))) kept.add(path);
        done += batch.length;
      }
      if (kept.size > 0) {
        logger.info(
          `kept ${kept.size} object(s) written again since the listing: ${[...kept].slice(0, 5).join(', ')}${kept.size > 5 ? ', …' : ''}`,
        );
        order = order.filter((path) => !kept.has(path));
        gone = assets.filter((path) => !kept.has(path));
      }
    }
    const bytes = order.reduce((n, path) => n + (listing.get(path)?.size ?? 0), 0);
    // The lease is not needed for the purge: what it drops is gone from the target already.
    if (leased) {
      leased = false;
      await store.releaseLease().catch(() => {});
    }
    const purge =
      purgeTargets.length > 0 && !dryRun
        ? await purgePruned(
            purgeTargets,
            gone,
            dropped.map((r) => r.release),
            {
              purge: options.purge ?? [],
              publicUrl: options.publicUrl,
              key: (path) => target.key(path),
              credentials: options.credentials,
              profile: options.profile,
              attempts: retry.attempts,
              retryDelayMs: retry.baseDelayMs,
              timeoutMs: options.requestTimeoutMs ?? 60_000,
              logger,
            },
          )
        : undefined;
    return {
      target: options.to,
      dryRun,
      kept: kept.map((r) => r.release),
      dropped: dropped.map((r) => r.release),
      deleted: order.map((path) => target.key(path)),
      bytes,
      ...(purge ? { purge } : {}),
      decisions,
    };
  } finally {
    if (leased) await store.releaseLease().catch(() => {});
    await target.close();
  }
}

/** Whether one release is kept, and why. `rank` is its place among all releases, newest upload first. */
function decide(
  r: StoredRelease,
  rank: number,
  all: readonly StoredRelease[],
  rules: { keep: number; minAge: number; now: number; live: readonly string[] },
): PruneDecision {
  const base = { release: r.release, ...(r.label ? { label: r.label } : {}) };
  if (rules.live.includes(r.release)) return { ...base, kept: true, reason: 'live' };
  if (r.state === 'pending' && rules.now - r.uploaded < PENDING_EXPIRY_MS)
    return { ...base, kept: true, reason: 'being uploaded (pending)' };
  if (r.claimed !== undefined && rules.now - r.claimed < PENDING_EXPIRY_MS)
    return { ...base, kept: true, reason: 'being rolled back (claimed)' };
  if (rank < rules.keep) return { ...base, kept: true, reason: `among the ${rules.keep} newest` };
  // When it stopped being current: its own record says, else (records from before states, abandoned
  // uploads) when the next newer release was uploaded, which replaced it.
  const retired =
    r.state === 'retired' && r.retired !== undefined ? r.retired : (all[rank - 1]?.uploaded ?? r.uploaded);
  const age = rules.now - retired;
  if (age < rules.minAge)
    return {
      ...base,
      kept: true,
      reason: `retired ${formatAge(age)} ago, less than the minimum age ${formatAge(rules.minAge)}`,
    };
  return { ...base, kept: false, reason: `beyond the ${rules.keep} newest, retired ${formatAge(age)} ago` };
}

/** A duration for people: `3d`, `5h`, `12m`, `40s`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h`;
  if (s >= 60) return `${Math.floor(s / 60)}m`;
  return `${s}s`;
}

/** A duration flag (`30d`, `12h`, `90m`, `45s`, `0`) in ms, or undefined when it is none. */
export function parseAge(text: string): number | undefined {
  const m = /^(\d+)\s*(d|h|m|s)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[(m[2] ?? 's') as 'd' | 'h' | 'm' | 's'];
  return Number(m[1]) * unit;
}

function batchesOf(paths: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < paths.length; i += DELETE_BATCH) out.push(paths.slice(i, i + DELETE_BATCH));
  return out;
}

function outlived(where: string, done: number, total: number): SkewlessError {
  const what =
    done === 0
      ? 'Nothing was deleted'
      : `It deleted ${done} of ${total} object(s) (the files first, the records of dropped releases last) and stopped`;
  return new SkewlessError(
    'UPLOAD_FAILED',
    `prune of ${where} reached the end of its ${LEASE_MS / 60_000}-minute lease, so an upload may start and find files present that a later batch would delete. ${what}; run prune again to finish.`,
  );
}
