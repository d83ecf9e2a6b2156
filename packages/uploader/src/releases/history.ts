import type { PurgeReport, RollbackOptions, TargetOptions } from '@skewless/core';
import { assertOptions, releaseFileOf, SkewlessError, silentLogger } from '@skewless/core';
import { preparePurge, purgeDocuments } from '../purge/purge.js';
import { openTarget } from '../targets/open.js';
import { parseTarget } from '../targets/parse.js';
import { withRetries } from '../targets/retry.js';
import type { RemoteObject, Target } from '../targets/target.js';
import { newestFirst, type ReleaseState, ReleaseStore, type StoredRelease } from './store.js';

/** One release as `releases` lists it. */
export interface ReleaseSummary {
  release: string;
  label?: string;
  state: ReleaseState | 'unknown';
  /** Whether it is the current release. */
  current: boolean;
  uploaded: number;
  live?: number;
  retired?: number;
  /** Files of the release that the target serves (not private ones). */
  files: number;
  /** Their bytes. */
  bytes: number;
  /** Whether its documents are stored for a rollback. */
  documents: boolean;
  /** Files of it that are gone from the target (pruned or deleted by hand): a rollback to it is refused. */
  missing: number;
}

/** What {@link releases} found. */
export interface ReleasesResult {
  target: string;
  current?: string;
  /** Newest upload first. */
  releases: ReleaseSummary[];
  /** Bytes of every release's files together, each stored file counted once. */
  totalBytes: number;
}

/** The served (not private) files of a release, and those of them the listing lacks. */
function servedFiles(r: StoredRelease, listing: ReadonlyMap<string, RemoteObject>) {
  const files = r.manifest.files.filter((f) => f.class !== 'private');
  const missing = files.filter((f) => f.class !== 'document' && !listing.has(f.path));
  return { files, missing };
}

async function openStore(options: TargetOptions & { to: string }, command: 'releases' | 'rollback') {
  assertOptions(options, { command });
  parseTarget(options.to);
  const retry = { attempts: options.attempts ?? 5, baseDelayMs: options.retryDelayMs ?? 200 };
  const target: Target = withRetries(await openTarget(options), retry);
  return { target, store: new ReleaseStore(target) };
}

/** List the releases a target holds, newest upload first, with which one is current. */
export async function releases(options: TargetOptions & { to: string }): Promise<ReleasesResult> {
  const { target, store } = await openStore(options, 'releases');
  try {
    const listing = await target.list();
    const all = await store.readAll(listing);
    const current = await store.current();
    const counted = new Set<string>();
    let totalBytes = 0;
    const summaries = all.map((r): ReleaseSummary => {
      const { files, missing } = servedFiles(r, listing);
      for (const f of files) {
        if (counted.has(f.path) || !listing.has(f.path)) continue;
        counted.add(f.path);
        totalBytes += f.bytes;
      }
      return {
        release: r.release,
        ...(r.label ? { label: r.label } : {}),
        state: r.legacy ? 'unknown' : r.state,
        current: r.release === current,
        uploaded: r.uploaded,
        ...(r.live !== undefined ? { live: r.live } : {}),
        ...(r.retired !== undefined ? { retired: r.retired } : {}),
        files: files.length,
        bytes: files.reduce((n, f) => n + f.bytes, 0),
        documents: r.documents.length > 0,
        missing: missing.length,
      };
    });
    return { target: options.to, ...(current ? { current } : {}), releases: summaries, totalBytes };
  } finally {
    await target.close();
  }
}

/** What {@link rollback} did. */
export interface RollbackResult {
  target: string;
  dryRun: boolean;
  /** The release that is current now. */
  release: string;
  /** The release it replaced (now retired), if any. */
  replaced?: string;
  /** The documents published again from the release's stored copies, release file last. */
  documents: string[];
  /** One report per `purge` entry, after the documents were published; absent when none was asked. */
  purge?: PurgeReport[];
}

/**
 * Make an earlier release current again, from what the target holds alone (no build directory): checks
 * that every asset of the release is still there (a pruned release is refused, naming what is gone),
 * moves the current pointer, marks the replaced release retired, and publishes the release's stored
 * documents again, its release file last. Every new page load gets the release; tabs still open on the
 * replaced release keep working (its files stay until a prune drops it) and move over at their next
 * reload, or when `watchUpdates` (@skewless/runtime/update) tells them. A document only the replaced
 * release has stays published: it is named in a warning (remove it, or prune will break it in time).
 */
export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const logger = options.logger ?? silentLogger;
  const { target, store } = await openStore(options, 'rollback');
  let purgeTargets: ReturnType<typeof preparePurge>;
  try {
    purgeTargets = preparePurge(options.purge ?? [], options.publicUrl);
  } catch (error) {
    await target.close();
    throw error;
  }
  let unclaim: (() => Promise<void>) | undefined;
  let unlock: (() => Promise<void>) | undefined;
  try {
    let listing = await target.list();
    const all = await store.readAll(listing);
    const current = await store.current();
    const chosen = pick(all, options.release, current, target.url);
    if (chosen.release === current)
      throw new SkewlessError(
        'INVALID_OPTIONS',
        `release ${chosen.release} is already current in ${target.url}. Nothing was changed.`,
      );
    ensureWhole(chosen, listing, options.to, target.url);
    const stored = chosen.documents;
    if (stored.length === 0) throw noDocuments(chosen, []);
    if (!options.dryRun) {
      // Claimed before its files are trusted: a prune that lists from now on keeps them, and one that
      // listed before (it may already have decided to drop this release) is waited for. Then, under the
      // publish lock like an upload's documents, the files are checked again, so what moves the pointer
      // is what the target holds.
      const claimed = await store.claim(chosen);
      unclaim = () => store.unclaim(chosen);
      await store.waitForPrune(claimed, logger);
      const since = performance.now();
      unlock = await store.lockPublish(
        `rollback-${chosen.release}-${process.pid}`,
        () => claimed + (performance.now() - since),
        (held) =>
          logger.info(
            `an upload is publishing to ${target.url} (since ${new Date(held).toISOString()}): waiting for it to finish.`,
          ),
      );
      listing = await target.list();
      ensureWhole(chosen, listing, options.to, target.url);
    }
    const copies = await Promise.all(stored.map((path) => store.readDocument(chosen.release, path)));
    const lost = stored.filter((_, i) => copies[i] === undefined);
    if (lost.length > 0) throw noDocuments(chosen, lost);
    const releaseFile = releaseFileOf(chosen.manifest);
    const order = [...stored.filter((p) => p !== releaseFile), ...stored.filter((p) => p === releaseFile)];
    if (options.dryRun)
      return { target: options.to, dryRun: true, release: chosen.release, documents: order };
    const replaced = await store.makeCurrent(chosen);
    // Live now, which prune keeps: the claim is done (makeCurrent cleared it).
    unclaim = undefined;
    const replacedRecord = replaced ? all.find((r) => r.release === replaced) : undefined;
    const orphans = (replacedRecord?.documents ?? []).filter((p) => !stored.includes(p));
    if (orphans.length > 0)
      logger.warn(
        `release ${chosen.release} has no ${orphans.join(', ')}, which ${replaced} published: they stay online pointing at ${replaced}'s files. Remove them, or they break once ${replaced} is pruned.`,
      );
    const byPath = new Map(chosen.manifest.files.map((f) => [f.path, f]));
    for (const path of order) {
      const file = byPath.get(path);
      const body = copies[stored.indexOf(path)]!;
      await target.putText(
        path,
        body,
        file?.contentType ?? 'text/html; charset=utf-8',
        file?.cacheControl ?? 'no-cache',
      );
      logger.debug(`published ${target.key(path)} of release ${chosen.release}`);
    }
    // Published: another upload may go on while the CDN is purged.
    await unlock?.();
    unlock = undefined;
    // After skewless.json, as in upload: the documents are live whatever the CDN answers.
    const purge =
      purgeTargets.length > 0
        ? await purgeDocuments(purgeTargets, order, chosen.release, {
            purge: options.purge ?? [],
            publicUrl: options.publicUrl,
            key: (path) => target.key(path),
            credentials: options.credentials,
            profile: options.profile,
            attempts: options.attempts ?? 5,
            retryDelayMs: options.retryDelayMs ?? 200,
            timeoutMs: options.requestTimeoutMs ?? 60_000,
            logger,
          })
        : undefined;
    return {
      target: options.to,
      dryRun: false,
      release: chosen.release,
      ...(replaced ? { replaced } : {}),
      documents: order,
      ...(purge ? { purge } : {}),
    };
  } catch (error) {
    // Refused or failed before the pointer moved: the record as it was, so the claim keeps nothing.
    if (unclaim) await unclaim().catch(() => {});
    throw error;
  } finally {
    if (unlock) await unlock().catch(() => {});
    await target.close();
  }
}

/** The refusal of a release without (some of) its stored documents. */
function noDocuments(chosen: StoredRelease, lost: string[]): SkewlessError {
  return new SkewlessError(
    'INVALID_MANIFEST',
    `release ${chosen.release} has ${lost.length === 0 ? 'no documents stored (it was uploaded without --html, as in the container flow: deploy its image again)' : `lost the stored copies of ${lost.join(', ')}`}. Nothing was changed; upload its build again with --html instead.`,
  );
}

/** Refuse a release whose served files are not all in the listing (pruned, or deleted by hand). */
function ensureWhole(
  chosen: StoredRelease,
  listing: ReadonlyMap<string, RemoteObject>,
  to: string,
  where: string,
): void {
  const { missing } = servedFiles(chosen, listing);
  if (missing.length === 0) return;
  throw new SkewlessError(
    'INVALID_MANIFEST',
    `release ${chosen.release} cannot come back: ${missing.length} of its files are gone from ${where} (pruned or deleted): ${missing
      .slice(0, 5)
      .map((f) => f.path)
      .join(
        ', ',
      )}${missing.length > 5 ? ', …' : ''}. Nothing was changed; upload its build again instead (skewless upload <dir> --to ${to} --html).`,
  );
}

/** The release `which` names: an id, a label (the newest with it), or `previous` (the last one retired). */
function pick(
  all: readonly StoredRelease[],
  which: string,
  current: string | undefined,
  where: string,
): StoredRelease {
  const found =
    which === 'previous'
      ? [...all]
          .filter((r) => r.release !== current && !r.legacy && r.retired !== undefined)
          // Retired last; within one second of the server's clock, the newer upload.
          .sort(
            (a, b) =>
              Math.floor((b.retired ?? 0) / 1000) - Math.floor((a.retired ?? 0) / 1000) || newestFirst(a, b),
          )[0]
      : (all.find((r) => r.release === which) ?? all.find((r) => r.label === which));
  if (found) return found;
  const known = all
    .slice(0, 5)
    .map((r) => (r.label ? `${r.release} (${r.label})` : r.release))
    .join(', ');
  throw new SkewlessError(
    'INVALID_OPTIONS',
    which === 'previous'
      ? `${where} has no earlier release to go back to (none was replaced as current yet). Nothing was changed.`
      : `${where} holds no release with the id or label '${which}'${known ? `; the newest are ${known}` : ''}. It may have been pruned. Nothing was changed; run 'skewless releases --to …' to see what is kept.`,
  );
}
