// Benchmark: building the manifest of an output directory (walk + SHA-256 + classify + HTML refs).
// Run with `pnpm bench`; prints figures, asserts nothing.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManifest } from '@skewless/uploader';
import { measure } from './measure.mjs';

export async function benchManifest({ files = 5000, bytes = 8 * 1024 } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'skewless-bench-manifest-'));
  try {
    await mkdir(join(dir, 'assets'));
    const body = Buffer.alloc(bytes, 'x');
    for (let i = 0; i < files; i++) {
      const hash = i.toString(16).padStart(8, '0').replace(/^0/, '1');
      await writeFile(join(dir, 'assets', `chunk${i}-${hash}.js`), body);
    }
    const refs = Array.from(
      { length: 200 },
      (_, i) => `<link rel="modulepreload" href="/assets/chunk${i}-x.js">`,
    );
    await writeFile(join(dir, 'index.html'), `<html><head>${refs.join('')}</head></html>`);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await measure(() => createManifest({ dir })));
    const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
    return {
      name: `createManifest: ${files} files of ${bytes / 1024} KiB (best of 3)`,
      ms: best.ms,
      rate: `${Math.round((files / best.ms) * 1000)} files/s, ${((files * bytes) / 1024 / 1024 / (best.ms / 1000)).toFixed(0)} MiB/s`,
      heapMiB: best.heapMiB,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
