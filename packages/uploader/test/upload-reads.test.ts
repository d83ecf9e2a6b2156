import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { upload } from '../src/upload/upload.js';
import { startAwsProxy } from './helpers/aws-proxy.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { startS3 } from './helpers/s3.js';

// Counts opens of build files for reading by wrapping the fs functions the engine and targets read with.
const opened = new Map<string, number>();
let watched: string | undefined;
/** A file rewritten (same size, other bytes) right after its first whole-file read: the hashing one. */
let changeAfterRead: { path: string; bytes: string } | undefined;
const originals = {
  createReadStream: fs.createReadStream,
  readFile: fsp.readFile,
  copyFile: fsp.copyFile,
  open: fsp.open,
  openSync: fs.openSync,
  closeSync: fs.closeSync,
};
/** Descriptors of build files opened synchronously for reading (small files are read whole so). */
const syncOpened = new Map<number, string>();
function count(path: unknown) {
  const p = String(path);
  if (watched && p.startsWith(watched)) opened.set(p, (opened.get(p) ?? 0) + 1);
}

let s3: Awaited<ReturnType<typeof startS3>>;
beforeAll(async () => {
  s3 = await startS3();
  Object.assign(fs, {
    createReadStream: (path: fs.PathLike, ...rest: unknown[]) => {
      count(path);
      return (originals.createReadStream as (...a: unknown[]) => unknown)(path, ...rest);
    },
    openSync: (path: fs.PathLike, flags?: fs.OpenMode, ...rest: unknown[]) => {
      const fd = (originals.openSync as (...a: unknown[]) => number)(path, flags, ...rest);
      if (flags === undefined || flags === 'r') {
        count(path);
        syncOpened.set(fd, String(path));
      }
      return fd;
    },
    // The whole-file read is over when its descriptor closes: that is when the file is rewritten.
    closeSync: (fd: number) => {
      (originals.closeSync as (fd: number) => void)(fd);
      const path = syncOpened.get(fd);
      syncOpened.delete(fd);
      const change = changeAfterRead;
      if (change && path === change.path) {
        changeAfterRead = undefined;
        fs.writeFileSync(change.path, change.bytes);
      }
    },
  });
  Object.assign(fsp, {
    readFile: async (path: fs.PathLike, ...rest: unknown[]) => {
      count(path);
      const read = await (originals.readFile as (...a: unknown[]) => Promise<unknown>)(path, ...rest);
      const change = changeAfterRead;
      if (change && String(path) === change.path) {
        changeAfterRead = undefined;
        await fsp.writeFile(change.path, change.bytes);
      }
      return read;
    },
    copyFile: (path: fs.PathLike, ...rest: unknown[]) => {
      count(path);
      return (originals.copyFile as (...a: unknown[]) => unknown)(path, ...rest);
    },
    // A multipart ETag is computed from a file handle, a part at a time.
    open: (path: fs.PathLike, ...rest: unknown[]) => {
      count(path);
      return (originals.open as (...a: unknown[]) => unknown)(path, ...rest);
    },
  });
  syncBuiltinESMExports();
});
afterAll(async () => {
  Object.assign(fs, {
    createReadStream: originals.createReadStream,
    openSync: originals.openSync,
    closeSync: originals.closeSync,
  });
  Object.assign(fsp, { readFile: originals.readFile, copyFile: originals.copyFile, open: originals.open });
  syncBuiltinESMExports();
  await s3?.close();
});

describe('file reads per upload (real s3rver)', () => {
  it('s3: hashing, sending and verifying read a small file once; a re-run reads each file once', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    try {
      await writeManifest(b.dir, await createManifest({ dir: b.dir, writeReleaseFile: true }));
      const options = {
        dir: b.dir,
        to: 's3://skewless/reads',
        html: true,
        endpoint: s3.server.endpoint,
        credentials: s3.credentials,
      };
      watched = `${b.dir}/`;
      opened.clear();
      const cold = await upload(options);
      expect(cold.uploaded).toBe(7);
      const sent = cold.files.filter((f) => f.action === 'upload').map((f) => `${b.dir}/${f.path}`);
      // Once to hash (SHA-256 and MD5 together); the target sends those bytes and the verifying listing
      // compares ETags with the MD5 of the same read. (It was three: the target and verify read again.)
      for (const path of sent) expect(opened.get(path), path).toBe(1);

      opened.clear();
      const warm = await upload(options);
      expect(warm.uploaded).toBe(0);
      expect(warm.skipped).toBe(7);
      // The planner's MD5 serves the verifying listing too (it was two reads a file).
      for (const path of sent) expect(opened.get(path), path).toBe(1);
    } finally {
      watched = undefined;
      await b.remove();
    }
  });

  it('file://: a cold upload reads a small file once (the target writes the hashed bytes, no copyFile)', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    const target = await makeBuildDir({});
    try {
      await writeManifest(b.dir, await createManifest({ dir: b.dir, writeReleaseFile: true }));
      watched = `${b.dir}/`;
      opened.clear();
      const cold = await upload({ dir: b.dir, to: pathToFileURL(target.dir).href, html: true });
      expect(cold.uploaded).toBe(7);
      for (const f of cold.files.filter((e) => e.action === 'upload'))
        expect(opened.get(`${b.dir}/${f.path}`), f.path).toBe(1);
    } finally {
      watched = undefined;
      await b.remove();
      await target.remove();
    }
  });

  it.each([
    ['s3', 's3://skewless/changed'],
    ['file://', 'file'],
  ])(
    '%s: a file changed after it was hashed is stored with the hashed bytes, which its sha256 describes',
    async (_, to) => {
      const path = 'assets/lazy-9a8b7c6d.js';
      const b = await makeBuildDir(VITE_LIKE);
      const target = await makeBuildDir({});
      try {
        await writeManifest(b.dir, await createManifest({ dir: b.dir }));
        const hashed = VITE_LIKE[path] as string;
        // Same size, so nothing but the bytes tells them apart.
        changeAfterRead = { path: join(b.dir, path), bytes: hashed.replace('1', '2') };
        const s3Target = to.startsWith('s3:');
        await upload({
          dir: b.dir,
          to: s3Target ? to : pathToFileURL(target.dir).href,
          endpoint: s3.server.endpoint,
          credentials: s3.credentials,
        });
        expect(changeAfterRead).toBeUndefined();
        const stored = s3Target
          ? await s3.body(`changed/${path}`)
          : await fsp.readFile(join(target.dir, path));
        expect(stored.toString()).toBe(hashed);
        if (s3Target) {
          const sha256 = createHash('sha256').update(stored).digest('hex');
          expect((await s3.head(`changed/${path}`)).Metadata?.sha256).toBe(sha256);
        }
      } finally {
        changeAfterRead = undefined;
        await b.remove();
        await target.remove();
      }
    },
  );

  it('s3: with the digests the manifest step took (the plugin flow), the upload reads no unchanged file again', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    try {
      const digests = new Map();
      const manifest = await createManifest({ dir: b.dir, writeReleaseFile: true, digests });
      const options = {
        dir: b.dir,
        to: 's3://skewless/handed',
        html: true,
        endpoint: s3.server.endpoint,
        credentials: s3.credentials,
        manifest,
        digests,
      };
      watched = `${b.dir}/`;
      opened.clear();
      const cold = await upload(options);
      expect(cold.uploaded).toBe(7);
      const sent = cold.files.filter((f) => f.action === 'upload');
      // The manifest step's read (SHA-256 and MD5 together) serves the check and the target: the upload
      // reads no file again (it read each once more). Only the release file, written after the hashing,
      // is read by the upload.
      for (const f of sent)
        expect(opened.get(`${b.dir}/${f.path}`), f.path).toBe(f.path === 'skewless.json' ? 1 : undefined);
      for (const f of sent) {
        const stored = await s3.body(`handed/${f.path}`);
        expect(createHash('sha256').update(stored).digest('hex'), f.path).toBe(
          manifest.files.find((m) => m.path === f.path)!.sha256,
        );
      }
      opened.clear();
      const warm = await upload(options);
      expect(warm.skipped).toBe(7);
      for (const f of sent)
        if (f.path !== 'skewless.json') expect(opened.get(`${b.dir}/${f.path}`), f.path).toBeUndefined();
    } finally {
      watched = undefined;
      await b.remove();
    }
  });

  it('s3: a file written after the manifest step read it (same size) is read again and refused, nothing written', async () => {
    const path = 'assets/lazy-9a8b7c6d.js';
    const b = await makeBuildDir(VITE_LIKE);
    try {
      const digests = new Map();
      const manifest = await createManifest({ dir: b.dir, digests });
      expect(digests.has(path)).toBe(true);
      // Same size and the same modification time: only the status-change time tells.
      const before = await fsp.stat(join(b.dir, path));
      await fsp.writeFile(join(b.dir, path), (VITE_LIKE[path] as string).replace('1', '2'));
      await fsp.utimes(join(b.dir, path), before.atime, before.mtime);
      watched = `${b.dir}/`;
      opened.clear();
      await expect(
        upload({
          dir: b.dir,
          to: 's3://skewless/handed-changed',
          endpoint: s3.server.endpoint,
          credentials: s3.credentials,
          manifest,
          digests,
        }),
      ).rejects.toThrow(/lazy-9a8b7c6d\.js \(other bytes than the manifest says: sha256 differs\)/);
      expect(opened.get(join(b.dir, path))).toBe(1);
      expect(await s3.keys()).not.toContainEqual(expect.stringMatching(/^handed-changed\//));
    } finally {
      watched = undefined;
      await b.remove();
    }
  });

  it('s3 (AWS-like multipart ETags): a file sent in parts is read twice, to check and to send, not again to verify', async () => {
    const path = 'assets/video-1a2b3c4d.bin';
    // Two parts (8 MiB and 1 MiB): generated here, never committed.
    const big = Buffer.alloc(9 * 1024 * 1024, 'skewless ');
    const b = await makeBuildDir({ [path]: big, 'index.html': '<!doctype html>' });
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client);
    try {
      await writeManifest(b.dir, await createManifest({ dir: b.dir }));
      watched = `${b.dir}/`;
      opened.clear();
      const result = await upload({
        dir: b.dir,
        to: 's3://skewless/parts',
        endpoint: proxy.endpoint,
        credentials: s3.credentials,
        multipartThreshold: 8 * 1024 * 1024,
      });
      expect(result.uploaded).toBe(1);
      // The verifying listing carries S3's `<md5 of the part md5s>-2`; the parts' MD5s as sent answer it
      // (it was three reads: the listing's check read the file again, a part at a time).
      expect(opened.get(join(b.dir, path))).toBe(2);
      expect(
        createHash('sha256')
          .update(await s3.body(`parts/${path}`))
          .digest('hex'),
      ).toBe(createHash('sha256').update(big).digest('hex'));
      // A re-run plans on the listing's multipart ETag: one read, for the parts' MD5s.
      opened.clear();
      const again = await upload({
        dir: b.dir,
        to: 's3://skewless/parts',
        endpoint: proxy.endpoint,
        credentials: s3.credentials,
        multipartThreshold: 8 * 1024 * 1024,
      });
      expect(again.skipped).toBe(1);
    } finally {
      watched = undefined;
      await proxy.close();
      await b.remove();
    }
  });
});
