import { join } from 'node:path';
import type { Manifest } from '@skewless/core';
import { isPrecompressedSibling, MANIFEST_PATH, mapLimit, SkewlessError, walkFiles } from '@skewless/core';
import { digestForSend, type SendDigest } from './digest.js';

/** Bytes of checked small files kept in memory for sending. */
const KEPT_BODIES_LIMIT = 64 * 1024 * 1024;

/**
 * Refuse, before anything is written, a build directory that holds no files, or whose files are not
 * the ones the manifest describes: a file missing, of another size or other bytes (each one is hashed),
 * or on disk without being in the manifest. Uploading such a build would publish a manifest (and
 * sha256 metadata) that lies about what is stored. Every problem is named at once.
 * Returns each file's digest (and a small file's bytes) for the upload to use instead of reading again.
 */
export async function checkBuild(
  dir: string,
  manifest: Manifest,
  fromDisk: boolean,
): Promise<Map<string, SendDigest>> {
  const onDisk = await walkFiles(dir, [MANIFEST_PATH]);
  if (onDisk.length === 0) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `the build directory ${dir} holds no files. Nothing was written. Build first, or pass the right directory.`,
    );
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  const digests = new Map<string, SendDigest>();
  let kept = 0;
  const problems = await mapLimit(manifest.files, 16, async (file) => {
    const found = await digestForSend(join(dir, ...file.path.split('/'))).catch(() => undefined);
    if (!found) return `${file.path} (missing)`;
    if (found.bytes !== file.bytes)
      return `${file.path} (${found.bytes} bytes, the manifest says ${file.bytes})`;
    if (found.sha256 !== file.sha256)
      return `${file.path} (other bytes than the manifest says: sha256 differs)`;
    // The checked bytes of small files are what gets sent (one read a file, and the stored sha256
    // describes the very bytes stored), up to a memory budget; beyond it a file is read again to send.
    if (found.body && kept + found.bytes <= KEPT_BODIES_LIMIT) kept += found.bytes;
    else delete found.body;
    digests.set(file.path, found);
    return undefined;
  });
  // Precompressed siblings (`X.br` next to a listed `X`) are never in the manifest by design.
  for (const path of onDisk) {
    if (!listed.has(path) && !isPrecompressedSibling(path, listed))
      problems.push(`${path} (not in the manifest)`);
  }
  const wrong = problems.filter((p): p is string => p !== undefined);
  if (wrong.length === 0) return digests;
  const without = fromDisk
    ? `upload without the manifest (delete ${join(dir, MANIFEST_PATH)})`
    : 'upload without the manifest';
  throw new SkewlessError(
    'INVALID_MANIFEST',
    `the files in ${dir} do not match the manifest: ${wrong.join(', ')}. Nothing was written. Rebuild, or ${without}.`,
  );
}
