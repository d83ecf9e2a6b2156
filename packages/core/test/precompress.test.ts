import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManifest, precompress } from '../src/index.js';
import { precompressedSiblings } from '../src/precompress.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skewless-precompress-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(path: string, body: string | Buffer) {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), body);
}

const BIG_JS = `export const list = [${Array.from({ length: 400 }, (_, i) => `'item-${i}'`).join(',')}];\n`;

describe('precompress', () => {
  it('writes br and gz siblings of compressible files above the threshold, and only those', async () => {
    await put('index.html', `<!doctype html>${'<p>hello</p>'.repeat(200)}`);
    await put('assets/index-1a2b3c4d.js', BIG_JS);
    await put('assets/index-1a2b3c4d.js.map', `{"mappings":"${'A'.repeat(4000)}"}`);
    await put('assets/tiny-0a1b2c3d.css', 'body{}');
    await put('assets/logo-9f8e7d6c.png', Buffer.alloc(4096, 7));
    const manifest = await createManifest({ dir });
    const written = await precompress(dir, manifest);
    expect(written.map((w) => [w.path, w.encoding])).toEqual([
      ['assets/index-1a2b3c4d.js.br', 'br'],
      ['assets/index-1a2b3c4d.js.gz', 'gzip'],
      ['index.html.br', 'br'],
      ['index.html.gz', 'gzip'],
    ]);
    const js = join(dir, 'assets/index-1a2b3c4d.js');
    expect(brotliDecompressSync(await readFile(`${js}.br`)).toString()).toBe(BIG_JS);
    expect(gunzipSync(await readFile(`${js}.gz`)).toString()).toBe(BIG_JS);
    for (const w of written) expect(w.bytes).toBeLessThan(BIG_JS.length);
  });

  it('is deterministic: the same input gives the same sibling bytes', async () => {
    await put('assets/index-1a2b3c4d.js', BIG_JS);
    const manifest = await createManifest({ dir });
    await precompress(dir, manifest);
    const first = await readFile(join(dir, 'assets/index-1a2b3c4d.js.gz'));
    const firstBr = await readFile(join(dir, 'assets/index-1a2b3c4d.js.br'));
    await precompress(dir, manifest);
    expect(await readFile(join(dir, 'assets/index-1a2b3c4d.js.gz'))).toEqual(first);
    expect(await readFile(join(dir, 'assets/index-1a2b3c4d.js.br'))).toEqual(firstBr);
    // gzip header: no timestamp, OS byte pinned to Unix.
    expect([...first.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(first[9]).toBe(3);
  });

  it('honours brotli: false, gzip: false and minBytes', async () => {
    await put('a.txt', 'x'.repeat(600));
    const manifest = await createManifest({ dir });
    expect(await precompress(dir, manifest)).toEqual([]);
    const written = await precompress(dir, manifest, { brotli: false, minBytes: 100 });
    expect(written.map((w) => w.path)).toEqual(['a.txt.gz']);
    expect(await precompress(dir, manifest, { brotli: false, gzip: false, minBytes: 1 })).toEqual([]);
  });

  it('leaves siblings out of the manifest, so the release id does not change', async () => {
    await put('index.html', `<!doctype html>${'<p>hello</p>'.repeat(200)}`);
    await put('assets/index-1a2b3c4d.js', BIG_JS);
    await put('data/archive.json.gz', 'a real gzip file with no uncompressed twin');
    const before = await createManifest({ dir });
    await precompress(dir, before);
    const after = await createManifest({ dir });
    expect(after.files.map((f) => f.path)).toEqual(before.files.map((f) => f.path));
    expect(after.files.map((f) => f.path)).toContain('data/archive.json.gz');
    expect(after.release).toBe(before.release);
  });

  it('tells its own siblings from a same-named file shipped on purpose, by the decoded bytes', async () => {
    await put('assets/index-1a2b3c4d.js', BIG_JS);
    await put('data.json', `{"rows":[${'1,'.repeat(600)}1]}`);
    await put('notes.txt', 'x'.repeat(2000));
    await precompress(dir, await createManifest({ dir }));
    await put('data.json.gz', gzipSync(`{"rows":[${'0,'.repeat(900)}0]}`));
    await put('notes.txt.br', 'not brotli at all');
    const paths = [
      'assets/index-1a2b3c4d.js',
      'assets/index-1a2b3c4d.js.br',
      'assets/index-1a2b3c4d.js.gz',
      'data.json',
      'data.json.gz',
      'notes.txt',
      'notes.txt.br',
      'notes.txt.gz',
    ];
    expect([...(await precompressedSiblings(dir, paths))].sort()).toEqual([
      'assets/index-1a2b3c4d.js.br',
      'assets/index-1a2b3c4d.js.gz',
      'notes.txt.gz',
    ]);
  });

  it('never writes over a file the manifest lists under a sibling name (a download shipped on purpose)', async () => {
    const archive = gzipSync('last month');
    await put('data.json', `{"rows":[${'1,'.repeat(600)}1]}`);
    await put('data.json.gz', archive);
    const manifest = await createManifest({ dir });
    // As a manifest lists it once the sibling check reads bytes (createManifest goes by name today).
    if (!manifest.files.some((f) => f.path === 'data.json.gz')) {
      const own = await createManifest({ dir, ignore: ['data.json'] });
      manifest.files.push(...own.files.filter((f) => f.path === 'data.json.gz'));
    }
    const written = await precompress(dir, manifest);
    expect(written.map((w) => w.path)).toEqual(['data.json.br']);
    expect(await readFile(join(dir, 'data.json.gz'))).toEqual(archive);
  });
});
