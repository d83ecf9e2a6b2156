import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MANIFEST_PATH, RELEASE_FILE } from './constants.js';
import { sha256File } from './hash-file.js';
import { mapLimit } from './pool.js';
import { isPrecompressedSibling } from './precompress.js';
import { compareBytes, walkFiles } from './walk.js';

/** One file the release id covers: its output path and the SHA-256 (hex) of its bytes. */
export interface ReleaseInput {
  path: string;
  sha256: string;
}

/** The release id: the first 16 hex characters of a SHA-256 over every (path, digest) pair. */
export function releaseId(files: readonly ReleaseInput[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => compareBytes(a.path, b.path)))
    h.update(`${f.path}\0${f.sha256}\n`);
  return h.digest('hex').slice(0, 16);
}

/** Options of {@link bundleRelease}. */
export interface BundleReleaseOptions {
  /** The bundle's files, documents still holding the release placeholder, so the id does not depend on itself. */
  files: readonly ReleaseInput[];
  /** The folder the bundler copies into the output directory as it is (Vite's `publicDir`); none when it copies nothing. */
  publicDir?: string;
  /** Where the release file goes (not part of the id). @default 'skewless.json' */
  releaseFile?: string;
}

/**
 * The release id of a build that is still a bundle, so the plugin can stamp it into the HTML before any
 * other plugin reads the HTML: over the bundle's files and the public files copied next to them (a
 * bundle file wins over a public file of the same name, as it overwrites it). Skewless's own outputs
 * and precompressed siblings are left out, as the manifest leaves them out. The same set as
 * `createManifest` covers on disk, without the files other plugins write after the bundle.
 */
export async function bundleRelease(options: BundleReleaseOptions): Promise<string> {
  const digests = new Map<string, string>();
  if (options.publicDir) {
    const dir = options.publicDir;
    const paths = await walkFiles(dir, [MANIFEST_PATH, options.releaseFile ?? RELEASE_FILE]);
    const hashed = await mapLimit(paths, 32, (p) => sha256File(join(dir, p)));
    for (const [i, p] of paths.entries()) digests.set(p, hashed[i]!.hex);
  }
  for (const f of options.files)
    if (f.path !== MANIFEST_PATH && f.path !== (options.releaseFile ?? RELEASE_FILE))
      digests.set(f.path, f.sha256);
  const all = new Set(digests.keys());
  const files = [...digests]
    .filter(([path]) => !isPrecompressedSibling(path, all))
    .map(([path, sha256]) => ({ path, sha256 }));
  return releaseId(files);
}
