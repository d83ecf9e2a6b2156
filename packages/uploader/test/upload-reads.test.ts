import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { upload } from '../src/upload.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { startS3 } from './helpers/s3.js';

// Counts opens of build files for reading by wrapping the fs functions the engine and targets read with.
const opened = new Map<string, number>();
let watched: string | undefined;
const originals = {
  createReadStream: fs.createReadStream,
  readFile: fsp.readFile,
  copyFile: fsp.copyFile,
};
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
  });
  Object.assign(fsp, {
    readFile: (path: fs.PathLike, ...rest: unknown[]) => {
      count(path);
      return (originals.readFile as (...a: unknown[]) => unknown)(path, ...rest);
    },
    copyFile: (path: fs.PathLike, ...rest: unknown[]) => {
      count(path);
      return (originals.copyFile as (...a: unknown[]) => unknown)(path, ...rest);
    },
  });
  syncBuiltinESMExports();
});
afterAll(async () => {
  Object.assign(fs, { createReadStream: originals.createReadStream });
  Object.assign(fsp, { readFile: originals.readFile, copyFile: originals.copyFile });
  syncBuiltinESMExports();
  await s3?.close();
});

describe('file reads per upload (real s3rver)', () => {
  it('hashing, sending and verifying read a file at most twice; a re-run reads each file once', async () => {
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
      // Once to hash (SHA-256 and MD5 together), once by the target to send; the verifying listing
      // compares ETags with the MD5 from the first read. (It was three: verify read every file again.)
      for (const path of sent) expect(opened.get(path), path).toBeLessThanOrEqual(2);

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
});
