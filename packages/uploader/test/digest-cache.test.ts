import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { checkBuild } from '../src/upload/check-build.js';
import { DigestCache } from '../src/upload/digest-cache.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';

// A re-run need not read files that did not change since they were hashed, but a file changed after the
// build must still be refused, whatever was done to hide it (same size, the modification time put back).

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const b = await makeBuildDir(VITE_LIKE);
  const manifest = await createManifest({ dir: b.dir });
  await writeManifest(b.dir, manifest);
  const cacheDir = await mkdtemp(join(tmpdir(), 'skewless-digest-cache-'));
  cleanups.push(b.remove, () => rm(cacheDir, { recursive: true, force: true }));
  // racyMs 0: the files were written a moment ago, which the real cache would not yet remember.
  const open = () => DigestCache.open(b.dir, { cacheDir, racyMs: 0 });
  return { b, manifest, cacheDir, open };
}

describe('digest cache', () => {
  it('a second check of an unchanged build reads no file, and gives the same MD5s', async () => {
    const { b, manifest, open } = await setup();
    const first = await checkBuild(b.dir, manifest, true, await open());
    expect(first.unchanged).toBe(0);
    expect(first.checked.size).toBe(manifest.files.length);
    const second = await checkBuild(b.dir, manifest, true, await open());
    expect(second.unchanged).toBe(manifest.files.length);
    // Nothing was read, so nothing is offered to be sent from memory: a file sent is read then.
    expect(second.checked.size).toBe(0);
    expect(second.md5s).toEqual(first.md5s);
  });

  it('a file changed after the build with the same size and its modification time put back is read and refused', async () => {
    const { b, manifest, open } = await setup();
    await checkBuild(b.dir, manifest, true, await open());
    const path = join(b.dir, 'assets/lazy-9a8b7c6d.js');
    const before = await stat(path, { bigint: true });
    const original = await readFile(path, 'utf8');
    // `touch -r` sets times to the nanosecond (utimensat), as `cp -p` or `rsync -t` do; Node's utimes cannot.
    const ref = join(b.dir, '..', `times-ref-${process.pid}`);
    await writeFile(ref, '');
    cleanups.push(() => rm(ref, { force: true }));
    execFileSync('touch', ['-r', path, ref]);
    await writeFile(path, original.replace('1', '2'));
    execFileSync('touch', ['-r', ref, path]);
    const after = await stat(path, { bigint: true });
    expect(after.mtimeNs).toBe(before.mtimeNs);
    expect(after.size).toBe(before.size);
    expect(after.ctimeNs).not.toBe(before.ctimeNs);
    await expect(checkBuild(b.dir, manifest, true, await open())).rejects.toThrow(
      /assets\/lazy-9a8b7c6d\.js \(other bytes than the manifest says: sha256 differs\)/,
    );
  });

  it('a file just written is not remembered (its times could hide a change within the clock tick)', async () => {
    const { b, manifest, cacheDir } = await setup();
    const strict = () => DigestCache.open(b.dir, { cacheDir, racyMs: 60_000 });
    await checkBuild(b.dir, manifest, true, await strict());
    const again = await checkBuild(b.dir, manifest, true, await strict());
    expect(again.unchanged).toBe(0);
  });

  it('holds digests and stat numbers only, never file contents, and SKEWLESS_CACHE_DIR=off writes nothing', async () => {
    const { b, manifest, cacheDir, open } = await setup();
    await checkBuild(b.dir, manifest, true, await open());
    const [file] = await readdir(cacheDir);
    const text = await readFile(join(cacheDir, file!), 'utf8');
    for (const body of Object.values(VITE_LIKE)) expect(text).not.toContain(body);
    const data = JSON.parse(text);
    expect(Object.keys(data.files).sort()).toEqual(manifest.files.map((f) => f.path).sort());

    const previous = process.env.SKEWLESS_CACHE_DIR;
    process.env.SKEWLESS_CACHE_DIR = 'off';
    try {
      const off = await DigestCache.open(b.dir, { racyMs: 0 });
      expect(off.file).toBeUndefined();
      const run = await checkBuild(b.dir, manifest, true, off);
      expect(run.unchanged).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.SKEWLESS_CACHE_DIR;
      else process.env.SKEWLESS_CACHE_DIR = previous;
    }
  });

  it('a corrupt cache is ignored: every file is read and checked', async () => {
    const { b, manifest, cacheDir, open } = await setup();
    await checkBuild(b.dir, manifest, true, await open());
    const [file] = await readdir(cacheDir);
    await writeFile(join(cacheDir, file!), '{"version":1,"files":{"index.html":{"size":"1"}}');
    const run = await checkBuild(b.dir, manifest, true, await open());
    expect(run.unchanged).toBe(0);
    expect(run.checked.size).toBe(manifest.files.length);
  });
});
