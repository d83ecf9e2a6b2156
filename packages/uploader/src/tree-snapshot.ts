import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Each regular file below a folder, by `/`-separated path, with what changes when it is written. */
export type TreeSnapshot = Map<string, string>;

/**
 * Every regular file below `dir`, links not followed and node_modules and .git left out (in an
 * {@link isolatedCopy} they hold links to the real tree and the caches a build makes).
 * A file's stamp is its size, inode and mtime in nanoseconds: a build that rewrites a file, even
 * with the same bytes, changes it, and that file is then one of the build's outputs.
 */
export async function snapshotTree(dir: string): Promise<TreeSnapshot> {
  const snapshot: TreeSnapshot = new Map();
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== '.git') await walk(path);
      } else if (entry.isFile()) {
        const s = await stat(path, { bigint: true });
        snapshot.set(relative(dir, path).split(sep).join('/'), `${s.size}:${s.ino}:${s.mtimeNs}`);
      }
    }
  };
  await walk(dir);
  return snapshot;
}

/** What a build did to the files of a tree: the paths it created or rewrote, and those it removed. */
export interface TreeChanges {
  written: string[];
  removed: string[];
}

export function changesBetween(before: TreeSnapshot, after: TreeSnapshot): TreeChanges {
  const written = [...after].filter(([path, stamp]) => before.get(path) !== stamp).map(([path]) => path);
  const removed = [...before.keys()].filter((path) => !after.has(path));
  return { written: written.sort(), removed: removed.sort() };
}

export async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}
