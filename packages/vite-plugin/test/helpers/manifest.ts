import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '@skewless/uploader';
import { MANIFEST_PATH } from '@skewless/uploader';

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
