import { DETERMINISM_ENV } from './constants.js';
import { SkewlessError } from './errors.js';
import type { Logger } from './logger.js';
import { type CreateManifestOptions, createManifest, writeManifest } from './manifest.js';
import { compareWithPrevious, loadManifest } from './manifest-diff.js';
import { precompress } from './precompress.js';
import type { BuildDigest, Manifest, UploadResult } from './types.js';

/** Options of {@link finalizeBuild}: what the bundler plugin collected while the build ran. */
export interface FinalizeBuildOptions
  extends Omit<CreateManifestOptions, 'writeReleaseFile' | 'stampRelease'> {
  /** The project root, for a relative {@link previousManifest}. */
  root: string;
  /** The previous release's manifest (path or http(s) URL): a name now mapping to other bytes fails the build. */
  previousManifest?: string;
  /** Write `.br` / `.gz` siblings of compressible files. */
  precompress?: boolean;
  /**
   * The upload step, when the build uploads: `to` for messages, `run` does it (the uploader's `upload()`),
   * given what the manifest step read of each file (`UploadOptions.digests`), so the files are not read
   * again.
   */
  upload?: {
    to: string;
    run: (manifest: Manifest, digests: ReadonlyMap<string, BuildDigest>) => Promise<UploadResult>;
  };
  /** What a failed upload does to the build. @default 'error' */
  onUploadError?: 'error' | 'warn';
  /** Where the steps report (the bundler's own log). */
  logger: Logger;
}

/**
 * Everything a build does once its files are on disk, in order: the manifest over the whole output
 * directory (release file written, documents stamped with the release id), the check against the
 * previous release, the manifest written, precompression, and the upload with its error policy.
 * The bundler plugin only collects facts and calls this from its last hook. While
 * `skewless check-determinism` builds, the previous-release check and the upload are skipped.
 */
export async function finalizeBuild(options: FinalizeBuildOptions): Promise<Manifest> {
  const { logger, dir } = options;
  const checking = process.env[DETERMINISM_ENV] === '1';
  const uploading = options.upload !== undefined && !checking;
  const digests = uploading ? new Map<string, BuildDigest>() : undefined;
  const manifest = await createManifest({
    ...options,
    writeReleaseFile: true,
    stampRelease: true,
    digests,
  });
  const paths = manifest.files.map((f) => f.path);
  const unmatched = (options.unhashed ?? []).filter((entry) => !paths.includes(entry));
  if (unmatched.length > 0) logger.warn(unmatchedUnhashedMessage(unmatched, paths));
  if (options.previousManifest && !checking)
    await checkPrevious(options.previousManifest, options.root, manifest, logger);
  await writeManifest(dir, manifest);
  logger.info(summary(manifest));
  if (options.precompress) {
    const siblings = await precompress(dir, manifest);
    logger.info(`[skewless] precompressed ${siblings.length} files (.br/.gz siblings, not in the manifest).`);
  }
  if (options.upload && !checking) {
    const { to, run } = options.upload;
    try {
      const result = await run(manifest, digests ?? new Map());
      logger.info(
        `[skewless] ${result.dryRun ? 'dry run: would upload' : 'uploaded'} ${result.uploaded} files (${result.skipped} already there) to ${result.target}, release ${result.release}.`,
      );
    } catch (error) {
      const reason = (error as Error).message ?? String(error);
      const message = reason.startsWith('[skewless]')
        ? reason
        : `[skewless] upload to ${to} failed: ${reason}. Check the target and its credentials, then run 'skewless upload ${dir} --to ${to}'.`;
      if (options.onUploadError === 'warn') logger.warn(`${message} (onUploadError: 'warn' kept the build.)`);
      else throw new SkewlessError('UPLOAD_FAILED', message, { cause: error });
    }
  }
  return manifest;
}

async function checkPrevious(where: string, root: string, manifest: Manifest, logger: Logger): Promise<void> {
  const previous = await loadManifest(where, root);
  const result = compareWithPrevious(previous, manifest);
  logger.info(
    `[skewless] since release ${previous.release}: ${result.kept} files kept their names and bytes, ${result.changed} kept their names with new bytes (documents and public files, which revalidate), ${result.added} new names, ${result.removed} names gone.`,
  );
  if (result.conflicts.length > 0) {
    throw new SkewlessError(
      'NOT_DETERMINISTIC',
      `these names now map to different bytes than in release ${previous.release}, so a CDN would keep serving the old bytes forever: ${result.conflicts.join(', ')}. Make the build deterministic (run 'skewless check-determinism'), or raise hashLength if two contents share a hash.`,
    );
  }
}

function summary(manifest: Manifest): string {
  const counts = new Map<string, number>();
  for (const f of manifest.files) counts.set(f.class, (counts.get(f.class) ?? 0) + 1);
  const parts = [...counts].map(([cls, n]) => `${n} ${cls}`).join(', ');
  return `[skewless] manifest: ${manifest.files.length} files (${parts}), release ${manifest.release}.`;
}

/**
 * The warning for `unhashed` entries that name no output file (often a source path such as
 * `public/sw.js`), with the output path that has the same file name when there is one.
 */
export function unmatchedUnhashedMessage(entries: string[], outputPaths: string[]): string {
  const shown = entries.map((entry) => {
    const name = entry.slice(entry.lastIndexOf('/') + 1);
    const match = outputPaths.find((p) => p === name || p.endsWith(`/${name}`));
    return match ? `'${entry}' (did you mean '${match}'?)` : `'${entry}'`;
  });
  return `[skewless] 'unhashed' lists ${shown.join(', ')}, which no file in the output directory has, so nothing is kept unhashed on purpose and those files are classed by name. Use paths inside the output directory, such as 'sw.js' for public/sw.js.`;
}
