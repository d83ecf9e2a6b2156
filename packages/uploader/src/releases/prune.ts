import type { PruneOptions, PruneResult, ReleaseInfo } from '@skewless/core';
import {
  assertOptions,
  mapLimit,
  parseManifest,
  RELEASE_FILE,
  SkewlessError,
  silentLogger,
} from '@skewless/core';
import { openTarget } from '../targets/open.js';
import { parseTarget } from '../targets/parse.js';
import { withRetries } from '../targets/retry.js';
import type { RemoteObject } from '../targets/target.js';
import { RELEASES_DIR, releaseManifestPath } from './paths.js';

// Any id upload accepts (manifest-names.ts), so every stored release is seen and counted.
const RELEASE_MANIFEST = new RegExp(
  `^${RELEASES_DIR.replace('.', '\\.')}/([A-Za-z0-9][A-Za-z0-9._-]*)\\.json$`,
);

/**
 * Delete the objects that only releases older than the `keep` newest reference. Works from the release
 * manifests `upload` stores, so it never touches an object no Skewless release listed (files of other
 * tools, releases uploaded before manifests were stored), nor anything a kept release still needs.
 * The release manifests go last, so an interrupted prune can simply be run again.
 */
export async function prune(options: PruneOptions): Promise<PruneResult> {
  const logger = options.logger ?? silentLogger;
  assertOptions(options, { command: 'prune' });
  parseTarget(options.to);
  const retry = { attempts: options.attempts ?? 5, baseDelayMs: options.retryDelayMs ?? 200 };
  const target = withRetries(await openTarget(options), retry);
  try {
    const listing = await target.list();
    const found = [...listing.values()]
      .map((o) => ({ object: o, id: RELEASE_MANIFEST.exec(o.path)?.[1] }))
      .filter((r): r is { object: RemoteObject; id: string } => r.id !== undefined);
    const releases = await mapLimit(found, options.concurrency ?? 16, async (r) => {
      const head = await target.head(r.object.path);
      // The server's clock first (LastModified, to the second on S3): a client clock that runs ahead
      // must not make an old release look newest. Within one second, the writer's ms break the tie.
      const server = r.object.modified ?? head?.uploaded ?? 0;
      return { id: r.id, second: Math.floor(server / 1000), at: head?.uploaded ?? server };
    });
    releases.sort((a, b) => b.second - a.second || b.at - a.at || (a.id < b.id ? -1 : 1));

    const live = await target.readText(RELEASE_FILE);
    const liveId = live === undefined ? undefined : releaseOf(live);
    if (live !== undefined && !releases.some((r) => r.id === liveId) && releases.length > options.keep) {
      // The live release's files are unknown: any of them may be listed by a release about to be dropped.
      throw new SkewlessError(
        'INVALID_MANIFEST',
        `${target.url}/${RELEASE_FILE} names release ${liveId ?? '(unreadable)'}, whose manifest is not stored under ${RELEASES_DIR}/, so prune cannot tell which files it needs. Nothing was deleted; upload the live build again (it stores its manifest), then prune.`,
      );
    }
    const kept = releases.slice(0, options.keep).map((r) => r.id);
    if (liveId && !kept.includes(liveId) && releases.some((r) => r.id === liveId)) kept.push(liveId);
    const dropped = releases.map((r) => r.id).filter((id) => !kept.includes(id));

    const filesOf = async (id: string, needed: boolean) => {
      const path = releaseManifestPath(id);
      const text = await target.readText(path);
      if (text === undefined && needed) {
        throw new SkewlessError(
          'INVALID_MANIFEST',
          `the manifest of kept release ${id} (${target.url}/${path}) disappeared during the prune. Nothing was deleted; check for another prune or writer on this prefix, then run prune again.`,
        );
      }
      if (text === undefined) return [];
      return parseManifest(text, `${target.url}/${path}`).files.map((f) => f.path);
    };
    const needed = new Set<string>();
    for (const id of kept) for (const path of await filesOf(id, true)) needed.add(path);
    const doomed = new Set<string>();
    for (const id of dropped) {
      for (const path of await filesOf(id, false))
        if (!needed.has(path) && listing.has(path)) doomed.add(path);
    }
    const order = [...[...doomed].sort(), ...dropped.map(releaseManifestPath)];
    const bytes = order.reduce((n, path) => n + (listing.get(path)?.size ?? 0), 0);
    logger.debug(`keeping ${kept.join(', ') || 'no release'}; dropping ${dropped.join(', ') || 'none'}`);

    if (!options.dryRun) {
      const assets = order.slice(0, doomed.size);
      await mapLimit(assets, options.concurrency ?? 16, (path) => target.remove(path));
      for (const path of order.slice(doomed.size)) await target.remove(path);
    }
    return {
      target: options.to,
      dryRun: options.dryRun ?? false,
      kept,
      dropped,
      deleted: order.map((path) => target.key(path)),
      bytes,
    };
  } finally {
    await target.close();
  }
}

function releaseOf(text: string): string | undefined {
  try {
    return (JSON.parse(text) as Partial<ReleaseInfo>).release;
  } catch {
    return undefined;
  }
}
