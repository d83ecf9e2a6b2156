import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256File, walkFiles } from '@skewless/core';
import type { PutOutcome, PutRequest, RemoteHead, RemoteObject, Target } from './target.js';

/**
 * A local directory with the same keys as an S3 prefix and no sidecar files: serving headers are the
 * origin's job there (nginx, `@skewless/uploader/origin`). Writes land in a temporary name first and
 * appear whole, so a server reading the directory never sees half a file.
 */
export function createFileTarget(dir: string, url: string): Target {
  const absolute = (path: string) => join(dir, ...path.split('/'));

  async function stage(path: string, write: (tmp: string) => Promise<void>): Promise<string> {
    const final = absolute(path);
    await mkdir(dirname(final), { recursive: true });
    const tmp = `${final}.skewless-${randomBytes(6).toString('hex')}.tmp`;
    await write(tmp);
    return tmp;
  }

  return {
    url,
    key: (path) => path,

    async list() {
      const found = new Map<string, RemoteObject>();
      let paths: string[];
      try {
        await stat(dir);
        paths = await walkFiles(dir, ['**/*.skewless-*.tmp']);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return found;
        throw error;
      }
      for (const path of paths) {
        const info = await stat(absolute(path));
        // No ETag: the planner HEADs (hashes) only the files whose size matches.
        found.set(path, { path, size: info.size, modified: info.mtimeMs });
      }
      return found;
    },

    async head(path): Promise<RemoteHead | undefined> {
      try {
        const digest = await sha256File(absolute(path));
        const info = await stat(absolute(path));
        return { size: digest.bytes, sha256: digest.hex, uploaded: info.mtimeMs, modified: info.mtimeMs };
      } catch (error) {
        if (absent(error)) return undefined;
        throw error;
      }
    },

    async put(request: PutRequest): Promise<PutOutcome> {
      // The hashed bytes when the engine kept them (small files): no second read, and no other bytes.
      const tmp = await stage(request.path, (t) =>
        request.body ? writeFile(t, request.body) : copyFile(request.file, t),
      );
      const final = absolute(request.path);
      try {
        if (request.ifNoneMatch) {
          // link() fails when the name exists: the file-system form of If-None-Match: *.
          try {
            await link(tmp, final);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
            throw error;
          }
          return 'written';
        }
        await rename(tmp, final);
        return 'written';
      } finally {
        await unlink(tmp).catch(() => {});
      }
    },

    async putText(path, body) {
      const tmp = await stage(path, (t) => writeFile(t, body));
      await rename(tmp, absolute(path));
    },

    async readText(path) {
      try {
        return await readFile(absolute(path), 'utf8');
      } catch (error) {
        if (absent(error)) return undefined;
        throw error;
      }
    },

    async remove(path) {
      await rm(absolute(path), { force: true });
    },

    // No ETags on a file system: the listing's size and time are all a conditional delete could check.
    async removeMany(objects) {
      for (const { path } of objects) await rm(absolute(path), { force: true });
      return [];
    },

    async close() {},
  };
}

/** A path that names no file: missing, or running through a file as if it were a folder. */
function absent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
