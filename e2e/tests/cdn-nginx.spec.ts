import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type APIRequestContext, expect, request, test } from '@playwright/test';
import { createOriginHandler } from '@skewless/origin';
import { cdnConfig, classify, createManifest, precompress, writeManifest } from '@skewless/uploader';
import { type NginxInstance, nginxTest, startNginx } from '../src/nginx.js';

// `skewless cdn-config --provider nginx` in front of the Skewless origin handler, through a real nginx
// cache: what the cache stores, what it keys on, and what it refuses to keep.

const JS = `export const routes = [${Array.from({ length: 300 }, (_, i) => `'/route/${i}'`).join(',')}];\n`;
const HTML = '<!doctype html><script type="module" src="/assets/index-1a2b3c4d.js"></script>';

// Paths the origin answers with no Cache-Control at all: only the generated rule can give them a TTL.
const BARE = ['/assets/bare/', '/_app/', '/_astro/', '/x/_astro/'];

let dir: string;
let origin: Server;
let nginx: NginxInstance | undefined;
let api: APIRequestContext;
const originHits = new Map<string, number>();

async function put(path: string, body: string) {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), body);
}

/** What a deploy does: write files, precompress, then the manifest last. */
async function publish() {
  const manifest = await createManifest({ dir, writeReleaseFile: true });
  await precompress(dir, manifest, { minBytes: 256 });
  await writeManifest(dir, manifest);
}

function config(originUrl: string) {
  return cdnConfig('nginx', { origin: originUrl, listen: '127.0.0.1:{{port}}', cachePath: 'cache' });
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skewless-cdn-origin-'));
  await put('index.html', HTML);
  await put('assets/index-1a2b3c4d.js', JS);
  await publish();
  const handler = createOriginHandler({ dir });
  origin = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    originHits.set(path, (originHits.get(path) ?? 0) + 1);
    // Stands in for an origin that marks errors cacheable (a bucket's bare 403/404 behind a default TTL),
    // which the Skewless handler never does: the cache must refuse to keep them anyway.
    if (BARE.some((prefix) => path.startsWith(prefix))) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(path);
      return;
    }
    if (path.startsWith('/careless/')) {
      res.writeHead(path.endsWith('.css') ? 403 : 404, { 'Cache-Control': 'public, max-age=600' });
      res.end('not here');
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  nginx = await startNginx({ config: config(originUrl) });
  api = await request.newContext({ baseURL: nginx.url });
});

test.afterAll(async () => {
  await api?.dispose();
  await nginx?.stop();
  await new Promise<void>((r) => (origin ? origin.close(() => r()) : r()));
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string, encoding = 'identity') =>
  api.get(path, { headers: { 'Accept-Encoding': encoding } });

test('the generated nginx config passes nginx -t', () => {
  const checked = nginxTest(config('http://127.0.0.1:9'));
  expect(checked.output).toContain('syntax is ok');
  expect(checked.ok).toBe(true);
  for (const options of [
    { hash: { length: 16, characters: 'hex' as const } },
    { hash: { length: 10, characters: 'base64' as const }, prefix: '/' },
    { origin: 'https://127.0.0.1:8443', prefix: '/admin/static/', name: 'site_2' },
    { base: '/docs/', hash: { length: 8, characters: 'base64' as const } },
    { frameworkFolders: false },
  ]) {
    const variant = nginxTest(
      cdnConfig('nginx', {
        origin: 'http://127.0.0.1:9',
        listen: '127.0.0.1:{{port}}',
        cachePath: 'cache',
        ...options,
      }),
    );
    expect(variant.ok, `${JSON.stringify(options)}\n${variant.output}`).toBe(true);
  }
  // And a broken one does not: the check can fail.
  expect(nginxTest(`${config('http://127.0.0.1:9')}\nproxy_cache_key;`).ok).toBe(false);
});

test('nginx creates the last directory of the cache path, not a missing parent (the comment above it says so)', () => {
  const at = (cachePath: string) =>
    nginxTest(cdnConfig('nginx', { origin: 'http://127.0.0.1:9', listen: '127.0.0.1:{{port}}', cachePath }));
  expect(at('{{prefix}}/fresh-cache').ok).toBe(true);
  const missing = at('{{prefix}}/no-such-parent/cache');
  expect(missing.ok).toBe(false);
  expect(missing.output).toMatch(
    /mkdir\(\) ".*\/no-such-parent\/cache" failed \(2: No such file or directory\)/,
  );
  expect(cdnConfig('nginx')).toMatch(/parent must exist.*\n.*\nproxy_cache_path /);
});

test('a hashed asset is a MISS, then a HIT, and ?v= does not split the cache', async () => {
  const first = await get('/assets/index-1a2b3c4d.js');
  expect(first.status()).toBe(200);
  expect(first.headers()['x-cache-status']).toBe('MISS');
  expect(first.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  const second = await get('/assets/index-1a2b3c4d.js');
  expect(second.headers()['x-cache-status']).toBe('HIT');
  expect(await second.text()).toBe(JS);
  const query = await get('/assets/index-1a2b3c4d.js?v=2');
  expect(query.headers()['x-cache-status']).toBe('HIT');
  expect(originHits.get('/assets/index-1a2b3c4d.js')).toBe(1);
});

test('an origin 404 is not cached: the request after the file appears gets 200', async () => {
  const path = '/assets/lazy-0a0b0c0d.js';
  const missing = await get(path);
  expect(missing.status()).toBe(404);
  expect(missing.headers()['cache-control']).toBe('no-store');
  const again = await get(path);
  expect(again.status()).toBe(404);
  expect(again.headers()['x-cache-status']).not.toBe('HIT');
  await put(path.slice(1), 'export default 1;\n');
  await publish();
  const found = await get(path);
  expect(found.status()).toBe(200);
  expect(await found.text()).toBe('export default 1;\n');
  expect((await get(path)).headers()['x-cache-status']).toBe('HIT');
  expect(originHits.get(path)).toBe(3);
});

test('errors are not cached even when a careless origin marks them cacheable', async () => {
  for (const path of ['/careless/app-0a0b0c0d.js', '/careless/app-0a0b0c0d.css']) {
    for (let i = 0; i < 2; i++) {
      const r = await get(path);
      expect(r.status(), path).toBeGreaterThanOrEqual(400);
      expect(r.headers()['x-cache-status'], path).not.toBe('HIT');
    }
    expect(originHits.get(path), path).toBe(2);
  }
});

test('real nginx gives the year only to what the classifier calls immutable (origin without Cache-Control)', async () => {
  for (const [path, immutable] of [
    ['/assets/bare/index-1a2b3c4d.js', true],
    ['/assets/bare/deep/er/index-1a2b3c4d.css.br', true],
    ['/assets/bare/notes-deadbeef.txt', false],
    ['/assets/bare/index-1A2B3C4D.js', false],
    ['/assets/bare/index-1a2b3c4d.js.map', false],
    ['/assets/bare/page-1a2b3c4d.html', false],
    ['/assets/bare/.hidden/index-1a2b3c4d.js', false],
    ['/assets/bare/.well-known/index-1a2b3c4d.js', true],
    ['/assets/bare/index-1a2b3c4d0.js', false],
  ] as const) {
    expect(
      classify({ path: path.slice(1) }, { hash: { length: 8, characters: 'hex' } }) === 'immutable',
      path,
    ).toBe(immutable);
    await get(path);
    const second = await get(path);
    expect(second.status(), path).toBe(200);
    expect(second.headers()['x-cache-status'] === 'HIT', path).toBe(immutable);
  }
});

test("real nginx gives the year to every file in SvelteKit's and Astro's folders at the root, not to maps, version.json or look-alikes", async () => {
  for (const [path, immutable] of [
    ['/_app/immutable/entry/start.1cf46e3d.js', true],
    ['/_app/immutable/chunks/0.DtJ9kq2Z.js', true],
    ['/_app/immutable/assets/app.1cf46e3d.css', true],
    ['/_astro/index.DtJ9kq2Z.js', true],
    ['/_astro/logo.svg', true],
    ['/_app/immutable/entry/start.1cf46e3d.js.map', false],
    ['/_astro/index.DtJ9kq2Z.js.map', false],
    ['/_app/version.json', false],
    ['/_app/immutablex/start.1cf46e3d.js', false],
    ['/_astro/page.html', false],
    ['/_astro/.hidden/a.js', false],
    ['/x/_astro/index.DtJ9kq2Z.js', false],
  ] as const) {
    // The classifier on the bare directory the framework wrote, which is what the upload sends.
    expect(
      classify({ path: path.slice(1) }, { hash: { length: 8, characters: 'base64' } }) === 'immutable',
      path,
    ).toBe(immutable);
    await get(path);
    const second = await get(path);
    expect(second.status(), path).toBe(200);
    expect(second.headers()['x-cache-status'] === 'HIT', path).toBe(immutable);
  }
});

test('brotli and gzip clients each get their own encoding, each cached', async () => {
  const path = '/assets/index-1a2b3c4d.js';
  for (const [accept, expected] of [
    ['gzip, deflate, br', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', 'br'],
    ['gzip', 'gzip'],
  ] as const) {
    const r = await get(path, accept);
    expect(r.headers()['content-encoding'], accept).toBe(expected);
    expect(r.headers().vary, accept).toBe('Accept-Encoding');
    // Playwright decodes the body: the bytes decode to the original file under either coding.
    expect(await r.text(), accept).toBe(JS);
  }
  const plain = await get(path);
  expect(plain.headers()['content-encoding']).toBeUndefined();
  expect((await get(path, 'br')).headers()['x-cache-status']).toBe('HIT');
  expect((await get(path, 'gzip')).headers()['x-cache-status']).toBe('HIT');
  // One origin fetch each for identity, br and gzip: three entries, no more.
  expect(originHits.get(path)).toBe(3);
});

test('HTML is never served from the cache', async () => {
  const before = originHits.get('/') ?? 0;
  for (let i = 0; i < 2; i++) {
    const r = await api.get('/', { headers: { Accept: 'text/html', 'Accept-Encoding': 'identity' } });
    expect(r.status()).toBe(200);
    expect(r.headers()['cache-control']).toBe('no-cache');
    expect(r.headers()['x-cache-status']).not.toBe('HIT');
  }
  expect(originHits.get('/')).toBe(before + 2);
});

test('reload swaps the config without dropping the port', async () => {
  await nginx!.reload();
  const r = await get('/assets/index-1a2b3c4d.js');
  expect(r.status()).toBe(200);
  expect(r.headers()['x-cache-status']).toBe('HIT');
});
