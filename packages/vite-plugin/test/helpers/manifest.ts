import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '@skewless/core';
import { MANIFEST_PATH, RELEASE_FILE } from '@skewless/core';
import { FIXTURES } from './builders.js';

export async function readBuiltManifest(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, MANIFEST_PATH), 'utf8')) as Manifest;
}

/** Every file on disk below `dir` except the manifest, `/`-separated and sorted. */
export async function filesOnDisk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) =>
      join(e.parentPath, e.name)
        .slice(dir.length + 1)
        .replaceAll('\\', '/'),
    )
    .filter((p) => p !== MANIFEST_PATH)
    .sort();
}

/**
 * What a build must leave in its output directory, known without looking there: the files the
 * bundler reports, the fixture's public/ files (Vite copies them; they are never in the bundle) and
 * the release file the plugin writes. Sorted like the manifest.
 */
export async function expectedFiles(reported: readonly string[], fixture?: string): Promise<string[]> {
  const copied = fixture ? await filesOnDisk(join(FIXTURES, fixture, 'public')) : [];
  return [...new Set([...reported, ...copied, RELEASE_FILE])].sort();
}
