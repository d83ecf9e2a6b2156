import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bundleRelease,
  createManifest,
  RELEASE_PLACEHOLDER,
  readManifest,
  serializeManifest,
  writeManifest,
} from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skewless-manifest-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(path: string, body: string) {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), body);
}

async function fixture() {
  await put(
    'index.html',
    `<html><head><meta name="skewless-release" content="${RELEASE_PLACEHOLDER}"><script type="module" src="/assets/index-1a2b3c4d.js"></script><link rel="stylesheet" href="/assets/index-0a1b2c3d.css"></head><a href="https://example.com/x.js">x</a></html>`,
  );
  await put('assets/index-1a2b3c4d.js', 'console.log(1)');
  await put('assets/index-1a2b3c4d.js.map', '{}');
  await put('assets/index-0a1b2c3d.css', 'body{}');
  await put('robots.txt', 'User-agent: *');
}

describe('createManifest', () => {
  it('lists every file with its class, digest and headers, HTML references resolved', async () => {
    await fixture();
    const m = await createManifest({ dir });
    expect(m.files.map((f) => [f.path, f.class])).toEqual([
      ['assets/index-0a1b2c3d.css', 'immutable'],
      ['assets/index-1a2b3c4d.js', 'immutable'],
      ['assets/index-1a2b3c4d.js.map', 'private'],
      ['index.html', 'document'],
      ['robots.txt', 'revalidate'],
    ]);
    const js = m.files.find((f) => f.path === 'assets/index-1a2b3c4d.js')!;
    expect(js.bytes).toBe(14);
    expect(js.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(js.integrity).toBe(`sha256-${Buffer.from(js.sha256, 'hex').toString('base64')}`);
    expect(js.cacheControl).toBe('public, max-age=31536000, immutable');
    expect(m.files.find((f) => f.path === 'index.html')!.references).toEqual([
      'assets/index-0a1b2c3d.css',
      'assets/index-1a2b3c4d.js',
    ]);
    expect(m.release).toMatch(/^[0-9a-f]{16}$/);
  });

  it("resolves the component and renderer URLs of Astro's islands as references", async () => {
    await put(
      'index.html',
      '<html><head></head><body><astro-island uid="Z1" component-url="/_astro/Counter.DXhTpKLB.js" renderer-url="/_astro/client.D-lx9bTL.js" before-hydration-url="/_astro/hydrate.Ab12Cd34.js"></astro-island></body></html>',
    );
    await put('_astro/Counter.DXhTpKLB.js', 'export default 1');
    await put('_astro/client.D-lx9bTL.js', 'export default 2');
    await put('_astro/hydrate.Ab12Cd34.js', 'export default 3');
    const m = await createManifest({ dir });
    expect(m.files.find((f) => f.path === 'index.html')!.references).toEqual([
      '_astro/Counter.DXhTpKLB.js',
      '_astro/client.D-lx9bTL.js',
      '_astro/hydrate.Ab12Cd34.js',
    ]);
  });

  it('resolves links to an absolute-URL base or to the origin the files are served from (assetsBase); other origins drop out', async () => {
    await put(
      'index.html',
      '<html><head><script type="module" src="https://cdn.example.com/app/assets/index-1a2b3c4d.js"></script><link rel="stylesheet" href="https://static.example.net/assets/index-0a1b2c3d.css"><script src="https://other.example.org/assets/lazy-9a8b7c6d.js"></script></head></html>',
    );
    await put('assets/index-1a2b3c4d.js', 'console.log(1)');
    await put('assets/index-0a1b2c3d.css', 'body{}');
    await put('assets/lazy-9a8b7c6d.js', 'export {}');
    const refs = async (options: { base?: string; assetsBase?: string }) =>
      (await createManifest({ dir, ...options })).files.find((f) => f.path === 'index.html')!.references;
    expect(await refs({ base: 'https://cdn.example.com/app/' })).toEqual(['assets/index-1a2b3c4d.js']);
    expect(await refs({ base: '/', assetsBase: 'https://static.example.net/' })).toEqual([
      'assets/index-0a1b2c3d.css',
    ]);
    expect(await refs({ base: '/' })).toEqual([]);
  });

  it('gives the same bytes for the same content and another release for other content', async () => {
    await fixture();
    const a = serializeManifest(await createManifest({ dir }));
    const b = serializeManifest(await createManifest({ dir }));
    expect(a).toBe(b);
    await put('assets/index-1a2b3c4d.js', 'console.log(2)');
    expect(JSON.parse(a).release).not.toBe((await createManifest({ dir })).release);
  });

  it('stamps the release id into documents and writes the release file', async () => {
    await fixture();
    const m = await createManifest({ dir, stampRelease: true, writeReleaseFile: true });
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain(`content="${m.release}"`);
    expect(JSON.parse(await readFile(join(dir, 'skewless.json'), 'utf8'))).toEqual({ release: m.release });
    const entry = m.files.find((f) => f.path === 'index.html')!;
    expect(entry.bytes).toBe(Buffer.byteLength(html));
    expect(m.files.find((f) => f.path === 'skewless.json')!.class).toBe('document');
    // Written, read back, identical; the manifest does not list itself.
    await writeManifest(dir, m);
    expect(await readManifest(dir)).toEqual(m);
    const again = await createManifest({ dir, writeReleaseFile: true });
    expect(again.files.some((f) => f.path.startsWith('.skewless/'))).toBe(false);
  });

  it('carries a release id it is given into the manifest, the release file and the documents', async () => {
    await fixture();
    const m = await createManifest({ dir, stampRelease: true, writeReleaseFile: true, release: 'given0123' });
    expect(m.release).toBe('given0123');
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toContain('content="given0123"');
    expect(JSON.parse(await readFile(join(dir, 'skewless.json'), 'utf8'))).toEqual({ release: 'given0123' });
  });

  it('rejects a file that is not a Skewless manifest, naming the fix', async () => {
    await put('.skewless/manifest.json', '{"version": 2}');
    await expect(readManifest(dir)).rejects.toThrow(/\[skewless\].*not a Skewless manifest.*Rebuild/);
  });
});

describe('bundleRelease', () => {
  const sha256 = (body: string) => createHash('sha256').update(body).digest('hex');
  let publicDir: string;
  beforeEach(async () => {
    publicDir = await mkdtemp(join(tmpdir(), 'skewless-public-'));
  });
  afterEach(async () => {
    await rm(publicDir, { recursive: true, force: true });
  });

  it('is the id the manifest computes over the same files on disk: bundle files and public files', async () => {
    await fixture();
    await writeFile(join(publicDir, 'robots.txt'), 'User-agent: *');
    const bundle = [
      'index.html',
      'assets/index-1a2b3c4d.js',
      'assets/index-1a2b3c4d.js.map',
      'assets/index-0a1b2c3d.css',
    ];
    const files = await Promise.all(
      bundle.map(async (path) => ({ path, sha256: sha256(await readFile(join(dir, path), 'utf8')) })),
    );
    const release = await bundleRelease({ files, publicDir });
    expect(release).toBe((await createManifest({ dir })).release);
    // A public file changes the release, though no bundle file does.
    await writeFile(join(publicDir, 'robots.txt'), 'User-agent: *\nDisallow: /admin');
    expect(await bundleRelease({ files, publicDir })).not.toBe(release);
  });

  it("leaves out Skewless's own outputs and precompressed siblings; a bundle file wins over a public one", async () => {
    const files = [{ path: 'data.json', sha256: sha256('{"a":1}') }];
    const release = await bundleRelease({ files });
    await mkdir(join(publicDir, '.skewless'));
    await writeFile(join(publicDir, '.skewless', 'manifest.json'), '{}');
    await writeFile(join(publicDir, 'skewless.json'), '{"release":"old"}');
    await writeFile(join(publicDir, 'data.json.gz'), 'not looked at');
    await writeFile(join(publicDir, 'data.json'), 'overwritten by the bundle');
    expect(await bundleRelease({ files, publicDir })).toBe(release);
    expect(await bundleRelease({ files: [...files, { path: 'skewless.json', sha256: sha256('x') }] })).toBe(
      release,
    );
  });
});
