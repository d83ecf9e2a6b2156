import { SkewlessError } from './errors.js';
import type { Manifest } from './types.js';

/** A release id becomes a key (`.skewless/releases/<id>.json`), so it must be one plain name. */
export const SAFE_RELEASE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Why a manifest path cannot name a file inside the build and the target, or undefined when it can.
 * Paths are joined onto local directories and target prefixes, so `..`, absolute paths and backslashes
 * would read or write outside them.
 */
export function unsafePath(path: unknown): string | undefined {
  if (typeof path !== 'string' || path === '') return 'not a relative path';
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0')) return 'not a relative path';
  if (path.split('/').some((s) => s === '' || s === '.' || s === '..'))
    return 'not a relative path (empty, . or .. segment)';
  return undefined;
}

/**
 * Throw when a manifest's release id or a file path could point outside the build directory or the
 * target prefix. Every manifest that drives reads, writes or deletes passes through here, whether it
 * came from disk, from the bucket (prune) or from the caller.
 */
export function checkManifestNames(manifest: Pick<Manifest, 'release' | 'files'>, where: string): void {
  const problems: string[] = [];
  if (!SAFE_RELEASE.test(manifest.release))
    problems.push(`release ${JSON.stringify(manifest.release)} is not a plain name ([A-Za-z0-9._-])`);
  for (const file of manifest.files) {
    const why = unsafePath((file as { path?: unknown } | null)?.path);
    if (why) problems.push(`${JSON.stringify((file as { path?: unknown } | null)?.path)}: ${why}`);
  }
  if (problems.length === 0) return;
  throw new SkewlessError(
    'INVALID_MANIFEST',
    `${where} has unsafe names that would reach outside the build directory or the target: ${problems.join('; ')}. Nothing was read or written; rebuild with @skewless/vite, or remove the manifest to classify the directory by file names.`,
  );
}
