import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { prune } from '../src/releases/prune.js';
import { LEASE_MS } from '../src/releases/store.js';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir } from './helpers/build-dir.js';

const removals: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const r of removals) await r();
});

/** A release of `count` hashed chunks of its own, named `<tag>-<n>-<hash>.js`. */
async function release(tag: string, count: number) {
  const files: Record<string, string> = { 'index.html': `<p>${tag}</p>` };
  for (let i = 0; i < count; i++)
    files[`assets/${tag}${i}-${(0x10000000 + i).toString(16)}.js`] = `console.log("${tag}${i}")\n`;
  const b = await makeBuildDir(files);
  removals.push(b.remove);
  const manifest = await createManifest({ dir: b.dir, writeReleaseFile: true });
  await writeManifest(b.dir, manifest);
  return { dir: b.dir, id: manifest.release };
}

describe('prune checks its lease before each delete batch (file:// target, an injected clock)', () => {
  it('a lease that ends between two batches stops the prune there; the records go last, and a re-run finishes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'skewless-prune-lease-'));
    removals.push(() => rm(root, { recursive: true, force: true }));
    const to = `file://${root}`;
    // 1,001 files only the old release has: two batches of deletes (1,000 + 1), then the records.
    const old = await release('old', 1001);
    const next = await release('new', 1);
    await upload({ dir: old.dir, to, html: true });
    await upload({ dir: next.dir, to, html: true });

    // The clock reads 0 when the lease starts and before the first batch, then the lease's end.
    let reads = 0;
    const clock = () => (++reads <= 2 ? 0 : LEASE_MS);
    await expect(prune({ to, keep: 1, minAgeMs: 0 }, clock)).rejects.toThrow(
      /reached the end of its 10-minute lease.*It deleted 1000 of \d+ object\(s\).*run prune again/,
    );
    const left = (await readdir(join(root, 'assets'))).filter((n) => n.startsWith('old'));
    expect(left).toHaveLength(1);
    // The old release's record is still there, so the re-run knows what is left to delete.
    expect(existsSync(join(root, '.skewless', 'releases', `${old.id}.json`))).toBe(true);

    const again = await prune({ to, keep: 1, minAgeMs: 0 });
    expect(again.dropped).toEqual([old.id]);
    expect((await readdir(join(root, 'assets'))).filter((n) => n.startsWith('old'))).toEqual([]);
    expect(existsSync(join(root, '.skewless', 'releases', `${old.id}.json`))).toBe(false);
    expect(existsSync(join(root, 'assets', 'new0-10000000.js'))).toBe(true);
  });
});
