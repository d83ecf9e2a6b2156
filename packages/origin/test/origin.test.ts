import { mkdir, mkdtemp, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createManifest, precompress, writeManifest } from '@skewless/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOriginHandler, type OriginOptions } from '../src/index.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

// Raw requests over a real socket: fetch() would normalise `..` and encoded paths away before sending.
function get(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function serve(options: OriginOptions): Promise<{ url: string; server: Server }> {
  const handler = createOriginHandler(options);
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const stop = (s: Server) => new Promise<void>((r) => s.close(() => r()));

let root: string;
let dir: string;
let url: string;
let server: Server;
let release: string;
const JS = `export const answer = ${'42 + '.repeat(400)}0;\n`;

async function put(path: string, body: string) {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), body);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skewless-origin-'));
  dir = join(root, 'build');
  await put('index.html', '<!doctype html><script type="module" src="/assets/index-1a2b3c4d.js"></script>');
  await put('assets/index-1a2b3c4d.js', JS);
  await put('assets/index-1a2b3c4d.js.map', '{"version":3}');
  await put('assets/style-0a1b2c3d.css', 'body{color:red}');
  await put('robots.txt', 'User-agent: *\n');
  await put('docs/index.html', '<!doctype html><p>docs</p>');
  await writeFile(join(root, 'secret.txt'), 'top secret');
  await symlink(join(root, 'secret.txt'), join(dir, 'link.txt'));
  const manifest = await createManifest({ dir, writeReleaseFile: true, ignore: ['link.txt'] });
  await precompress(dir, manifest, { minBytes: 256 });
  await writeManifest(dir, manifest);
  release = manifest.release;
  ({ url, server } = await serve({ dir }));
});

afterAll(async () => {
  await stop(server);
  await rm(root, { recursive: true, force: true });
});

describe('origin handler over real HTTP', () => {
  it('serves a hashed asset for a year, immutable, with Vary, ETag and cache tags', async () => {
    const r = await get(url, '/assets/index-1a2b3c4d.js');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe(JS);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers.vary).toBe('Accept-Encoding');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers.etag).toMatch(/^"[a-f0-9]{32}"$/);
    expect(r.headers['surrogate-key']).toContain(release);
    expect(r.headers['cache-tag']).toContain(release);
  });

  it('answers If-None-Match with 304 and no body', async () => {
    const first = await get(url, '/assets/index-1a2b3c4d.js');
    const r = await get(url, '/assets/index-1a2b3c4d.js', { 'If-None-Match': String(first.headers.etag) });
    expect(r.status).toBe(304);
    expect(r.body.length).toBe(0);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves HTML no-cache and unhashed public files with a short max-age', async () => {
    const html = await get(url, '/');
    expect(html.status).toBe(200);
    expect(html.headers['cache-control']).toBe('no-cache');
    expect(html.body.toString()).toContain('index-1a2b3c4d.js');
    const robots = await get(url, '/robots.txt');
    expect(robots.headers['cache-control']).toMatch(/^public, max-age=300\b/);
    const docs = await get(url, '/docs/');
    expect(docs.body.toString()).toContain('docs');
  });

  it('serves the release file no-cache', async () => {
    const r = await get(url, '/skewless.json');
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(JSON.parse(r.body.toString())).toEqual({ release });
  });

  it("sends a folder's page asked for without its slash to the folder's URL, not the SPA fallback", async () => {
    // A multi-page app's /docs: the home page in its place would be the wrong page, and under a relative
    // base its ./assets/ links would resolve in the wrong folder.
    const r = await get(url, '/docs?from=mail', { Accept: 'text/html' });
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/docs/?from=mail');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body.toString()).not.toContain('<!doctype html>');
    expect((await get(url, '/docs', {}, 'HEAD')).headers.location).toBe('/docs/');
    // Never a protocol-relative Location (`//docs/` is the host "docs"): an open redirect.
    for (const asked of ['//docs', '/\\docs'])
      expect((await get(url, asked, { Accept: 'text/html' })).headers.location ?? '', asked).not.toMatch(
        /^[/\\]{2}/,
      );
    // A route of the SPA, with no folder of that name, still gets index.html.
    expect((await get(url, '/settings', { Accept: 'text/html' })).status).toBe(200);
  });

  it('falls back to index.html for navigations only', async () => {
    const nav = await get(url, '/settings/profile', { Accept: 'text/html,application/xhtml+xml' });
    expect(nav.status).toBe(200);
    expect(nav.headers['cache-control']).toBe('no-cache');
    expect(nav.body.toString()).toContain('<!doctype html>');
    const fetchLike = await get(url, '/settings/profile', { Accept: '*/*' });
    expect(fetchLike.status).toBe(404);
  });

  it('answers a missing hashed asset with a no-store 404, never index.html', async () => {
    const r = await get(url, '/assets/index-ffffffff.js', { Accept: 'text/html,*/*' });
    expect(r.status).toBe(404);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers.vary).toBeUndefined();
    expect(r.headers['surrogate-key']).toBeUndefined();
    expect(r.body.toString()).not.toContain('<!doctype html>');
  });

  it('hides private files: source maps and the manifest', async () => {
    expect((await get(url, '/assets/index-1a2b3c4d.js.map')).status).toBe(404);
    expect((await get(url, '/.skewless/manifest.json')).status).toBe(404);
  });

  it('never serves a file outside the directory', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/index.html%00.js',
      '/%',
    ]) {
      const r = await get(url, path);
      expect(r.status, path).toBe(400);
      expect(r.headers['cache-control'], path).toBe('no-store');
      expect(r.body.toString(), path).not.toContain('top secret');
    }
    // A symbolic link inside the directory that points out of it is not followed.
    const link = await get(url, '/link.txt');
    expect(link.status).toBe(404);
  });

  it('never serves a precompressed sibling that links outside the directory', async () => {
    await symlink(join(root, 'secret.txt'), join(dir, 'assets/style-0a1b2c3d.css.br'));
    try {
      const r = await get(url, '/assets/style-0a1b2c3d.css', { 'Accept-Encoding': 'br' });
      expect(r.body.toString()).not.toContain('top secret');
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(r.body.toString()).toBe('body{color:red}');
    } finally {
      await rm(join(dir, 'assets/style-0a1b2c3d.css.br'));
    }
  });

  it('never serves a precompressed sibling older than its file (left over from an earlier build)', async () => {
    const { brotliCompressSync } = await import('node:zlib');
    const css = 'assets/style-0a1b2c3d.css';
    await writeFile(join(dir, `${css}.br`), brotliCompressSync('body{color:blue}'));
    const past = new Date(Date.now() - 60_000);
    await utimes(join(dir, `${css}.br`), past, past);
    try {
      const r = await get(url, `/${css}`, { 'Accept-Encoding': 'br' });
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(r.body.toString()).toBe('body{color:red}');
    } finally {
      await rm(join(dir, `${css}.br`));
    }
  });

  it('refuses other methods with a no-store 405 and supports HEAD', async () => {
    const post = await get(url, '/index.html', {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(post.headers['cache-control']).toBe('no-store');
    const head = await get(url, '/assets/index-1a2b3c4d.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(JS));
  });

  it('serves precompressed siblings by Accept-Encoding, brotli first', async () => {
    const br = await get(url, '/assets/index-1a2b3c4d.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.etag).toMatch(/-br"$/);
    const { brotliDecompressSync, gunzipSync } = await import('node:zlib');
    expect(brotliDecompressSync(br.body).toString()).toBe(JS);
    const gz = await get(url, '/assets/index-1a2b3c4d.js', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(JS);
    const noBr = await get(url, '/assets/index-1a2b3c4d.js', { 'Accept-Encoding': 'br;q=0, gzip' });
    expect(noBr.headers['content-encoding']).toBe('gzip');
    // Siblings are codings, not files of the manifest.
    expect((await get(url, '/assets/index-1a2b3c4d.js.br')).status).toBe(404);
  });

  it('serves byte ranges (media in Safari needs them), and 416 no-store outside the file', async () => {
    const path = '/assets/index-1a2b3c4d.js';
    const size = Buffer.byteLength(JS);
    const part = await get(url, path, { Range: 'bytes=7-12', 'Accept-Encoding': 'br' });
    expect(part.status).toBe(206);
    expect(part.body.toString()).toBe(JS.slice(7, 13));
    expect(part.headers['content-range']).toBe(`bytes 7-12/${size}`);
    expect(part.headers['content-encoding']).toBeUndefined();
    const tail = await get(url, path, { Range: 'bytes=-5' });
    expect(tail.body.toString()).toBe(JS.slice(-5));
    const open = await get(url, path, { Range: `bytes=${size - 3}-` });
    expect(open.body.toString()).toBe(JS.slice(-3));
    const full = await get(url, path);
    expect(full.headers['accept-ranges']).toBe('bytes');
    const stale = await get(url, path, { Range: 'bytes=0-3', 'If-Range': '"0000"' });
    expect(stale.status).toBe(200);
    expect(stale.body.toString()).toBe(JS);
    const fresh = await get(url, path, { Range: 'bytes=0-3', 'If-Range': String(full.headers.etag) });
    expect(fresh.status).toBe(206);
    const outside = await get(url, path, { Range: `bytes=${size}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers['content-range']).toBe(`bytes */${size}`);
    expect(outside.headers['cache-control']).toBe('no-store');
  });

  it('applies per-class and document Cache-Control overrides and extra headers', async () => {
    const custom = await serve({
      dir,
      documentCacheControl: 'public, max-age=60, stale-while-revalidate=300',
      cacheControl: { revalidate: 'public, max-age=10' },
      headers: { 'X-Frame-Options': 'DENY' },
    });
    try {
      const html = await get(custom.url, '/index.html');
      expect(html.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
      expect(html.headers['x-frame-options']).toBe('DENY');
      expect((await get(custom.url, '/skewless.json')).headers['cache-control']).toBe('no-cache');
      expect((await get(custom.url, '/robots.txt')).headers['cache-control']).toBe('public, max-age=10');
    } finally {
      await stop(custom.server);
    }
  });

  it('a release file moved by the manifest (releaseFile) is no-cache there, whatever documentCacheControl says', async () => {
    const moved = await mkdtemp(join(tmpdir(), 'skewless-origin-moved-'));
    try {
      await mkdir(join(moved, 'assets'), { recursive: true });
      await writeFile(join(moved, 'index.html'), '<!doctype html><title>moved</title>');
      await writeFile(join(moved, 'assets/app-1a2b3c4d.js'), 'export {};\n');
      const manifest = await createManifest({
        dir: moved,
        writeReleaseFile: true,
        releaseFile: 'assets/skewless.json',
      });
      expect(manifest.releaseFile).toBe('assets/skewless.json');
      await writeManifest(moved, manifest);
      const custom = await serve({ dir: moved, documentCacheControl: 'public, max-age=60' });
      try {
        const release = await get(custom.url, '/assets/skewless.json');
        expect(release.status).toBe(200);
        expect(release.headers['cache-control']).toBe('no-cache');
        expect(JSON.parse(release.body.toString())).toEqual({ release: manifest.release });
        expect((await get(custom.url, '/index.html')).headers['cache-control']).toBe('public, max-age=60');
      } finally {
        await stop(custom.server);
      }
    } finally {
      await rm(moved, { recursive: true, force: true });
    }
  });

  it('passes unhandled requests to next() as Connect/Express middleware', async () => {
    const handler = createOriginHandler({ dir });
    const app = createServer((req, res) =>
      handler(req, res, () => {
        res.writeHead(418).end('next');
      }),
    );
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    try {
      expect((await get(base, '/api/users', {}, 'POST')).status).toBe(418);
      expect((await get(base, '/api/users')).status).toBe(418);
      expect((await get(base, '/uploads/photo.png')).status).toBe(418);
      expect((await get(base, '/robots.txt')).status).toBe(200);
    } finally {
      await stop(app);
    }
  });

  it('answers a missing hashed name and a private file itself under Connect/Express, never a catch-all', async () => {
    const handler = createOriginHandler({ dir });
    // The usual SPA catch-all after the static files: index.html for everything, with a 200.
    const app = createServer((req, res) =>
      handler(req, res, () => {
        res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html>');
      }),
    );
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    try {
      for (const path of ['/assets/nope-12345678.js', '/assets/index-1a2b3c4d.js.map']) {
        const r = await get(base, path);
        expect(r.status, path).toBe(404);
        expect(r.headers['cache-control'], path).toBe('no-store');
      }
    } finally {
      await stop(app);
    }
  });

  it('marks an error it hands to next(error) no-store, so the framework error page is never cached', async () => {
    const broken = join(root, 'broken');
    await mkdir(join(broken, '.skewless'), { recursive: true });
    await writeFile(join(broken, '.skewless', 'manifest.json'), '{ not json');
    const handler = createOriginHandler({ dir: broken });
    let passed: unknown;
    const app = createServer((req, res) =>
      handler(req, res, (error) => {
        passed = error;
        // Express's final handler keeps headers set before it: a 500 without a Cache-Control of its own.
        res.statusCode = 500;
        res.end('Internal Server Error');
      }),
    );
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    try {
      const r = await get(base, '/index.html');
      expect(r.status).toBe(500);
      expect(passed).toBeInstanceOf(Error);
      expect(r.headers['cache-control']).toBe('no-store');
    } finally {
      await stop(app);
    }
  });
});

describe('origin handler options', () => {
  it('serves under a base path and leaves other paths alone', async () => {
    const s = await serve({ dir, base: '/admin/' });
    try {
      const r = await get(s.url, '/admin/assets/index-1a2b3c4d.js');
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe(JS);
      expect((await get(s.url, '/admin', { Accept: 'text/html' })).status).toBe(200);
      expect((await get(s.url, '/admin?from=mail', { Accept: 'text/html' })).status).toBe(200);
      expect((await get(s.url, '/assets/index-1a2b3c4d.js')).status).toBe(404);
      expect((await get(s.url, '/administrator/x', { Accept: 'text/html' })).status).toBe(404);
      expect((await get(s.url, '/admin/%2e%2e/secret.txt')).status).toBe(400);
    } finally {
      await stop(s.server);
    }
  });

  it("serves under the manifest's base when no base is given (a Vite `base: '/admin/'` build)", async () => {
    const site = await mkdtemp(join(tmpdir(), 'skewless-origin-base-'));
    await mkdir(join(site, 'assets'));
    await writeFile(
      join(site, 'index.html'),
      '<script type="module" src="/admin/assets/app-1a2b3c4d.js"></script>',
    );
    await writeFile(join(site, 'assets/app-1a2b3c4d.js'), 'export {}');
    await writeManifest(site, await createManifest({ dir: site, base: '/admin/' }));
    const s = await serve({ dir: site });
    const relative = join(site, '..', `${site.split('/').pop()}-relative`);
    await mkdir(join(relative, 'assets'), { recursive: true });
    await writeFile(join(relative, 'assets/app-1a2b3c4d.js'), 'export {}');
    await writeManifest(relative, await createManifest({ dir: relative, base: './' }));
    const r = await serve({ dir: relative });
    const explicit = await serve({ dir: site, base: '/' });
    try {
      const asset = await get(s.url, '/admin/assets/app-1a2b3c4d.js');
      expect(asset.status).toBe(200);
      expect(asset.body.toString()).toBe('export {}');
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await get(s.url, '/admin/', { Accept: 'text/html' })).body.toString()).toContain(
        'app-1a2b3c4d',
      );
      expect((await get(s.url, '/admin/settings', { Accept: 'text/html' })).status).toBe(200);
      // A proxy or Express mount that already stripped /admin still reaches the files.
      expect((await get(s.url, '/assets/app-1a2b3c4d.js')).status).toBe(200);
      // A relative base keeps '/', and an explicit base wins over the manifest's.
      expect((await get(r.url, '/assets/app-1a2b3c4d.js')).status).toBe(200);
      expect((await get(r.url, '/admin/assets/app-1a2b3c4d.js')).status).toBe(404);
      expect((await get(explicit.url, '/admin/assets/app-1a2b3c4d.js')).status).toBe(404);
      expect((await get(explicit.url, '/assets/app-1a2b3c4d.js')).status).toBe(200);
    } finally {
      await Promise.all([stop(s.server), stop(r.server), stop(explicit.server)]);
      await rm(site, { recursive: true, force: true });
      await rm(relative, { recursive: true, force: true });
    }
  });

  it('fails at once with a helpful message when the directory does not exist', () => {
    expect(() => createOriginHandler({ dir: join(root, 'missing') })).toThrow(
      /\[skewless\] the origin directory .* does not exist/,
    );
  });
});

describe('origin handler during a deploy', () => {
  it('picks up a new manifest, and keeps the last good one while the new one is half-written', async () => {
    const site = await mkdtemp(join(tmpdir(), 'skewless-origin-deploy-'));
    const s = await serve({ dir: site });
    try {
      await writeFile(join(site, 'index.html'), '<p>v1</p>');
      const v1 = await createManifest({ dir: site, writeReleaseFile: true });
      await writeManifest(site, v1);
      expect((await get(s.url, '/skewless.json')).body.toString()).toContain(v1.release);
      await mkdir(join(site, 'assets'));
      await writeFile(join(site, 'assets/new-0a1b2c3d.js'), 'x');
      // Not in the manifest yet: not served, even though it is on disk.
      expect((await get(s.url, '/assets/new-0a1b2c3d.js')).status).toBe(404);
      await writeFile(join(site, '.skewless/manifest.json'), '{"version": 1, "rel');
      const during = await get(s.url, '/index.html');
      expect(during.status).toBe(200);
      expect(during.headers['surrogate-key']).toContain(v1.release);
      const v2 = await createManifest({ dir: site, writeReleaseFile: true });
      await writeManifest(site, v2);
      const after = await get(s.url, '/assets/new-0a1b2c3d.js');
      expect(after.status).toBe(200);
      expect(after.headers['surrogate-key']).toContain(v2.release);
    } finally {
      await stop(s.server);
      await rm(site, { recursive: true, force: true });
    }
  });
});

describe('origin handler over a switched symbolic link (atomic deploys)', () => {
  it('serves the release the link points to now, not the one it pointed to at start', async () => {
    const top = await mkdtemp(join(tmpdir(), 'skewless-origin-link-'));
    const current = join(top, 'current');
    for (const v of ['v1', 'v2']) {
      await mkdir(join(top, v));
      await writeFile(join(top, v, 'index.html'), `<p>${v}</p>`);
      await writeManifest(join(top, v), await createManifest({ dir: join(top, v), writeReleaseFile: true }));
    }
    await symlink(join(top, 'v1'), current);
    const s = await serve({ dir: current });
    try {
      expect((await get(s.url, '/index.html')).body.toString()).toBe('<p>v1</p>');
      // The usual switch: a new link renamed over the old one.
      await symlink(join(top, 'v2'), join(top, 'next'));
      await rename(join(top, 'next'), current);
      expect((await get(s.url, '/index.html')).body.toString()).toBe('<p>v2</p>');
    } finally {
      await stop(s.server);
      await rm(top, { recursive: true, force: true });
    }
  });
});

describe('origin handler without a manifest', () => {
  it('classifies by name and picks up files that appear later', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'skewless-origin-bare-'));
    const s = await serve({ dir: bare });
    try {
      const missing = await get(s.url, '/assets/app-9f8e7d6c.js');
      expect(missing.status).toBe(404);
      expect(missing.headers['cache-control']).toBe('no-store');
      await mkdir(join(bare, 'assets'));
      await writeFile(join(bare, 'assets/app-9f8e7d6c.js'), 'x');
      const r = await get(s.url, '/assets/app-9f8e7d6c.js');
      expect(r.status).toBe(200);
      expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(r.headers.etag).toMatch(/^W\//);
      expect(r.headers['surrogate-key']).toBeUndefined();
    } finally {
      await stop(s.server);
      await rm(bare, { recursive: true, force: true });
    }
  });
});

describe('origin handler and a real .gz file beside its same-named twin', () => {
  it('never sends the file as a coding of its twin, and serves it as itself by its own name', async () => {
    const { gzipSync, gunzipSync } = await import('node:zlib');
    const site = await mkdtemp(join(tmpdir(), 'skewless-origin-download-'));
    const data = `{"rows":[${'1,'.repeat(600)}1]}`;
    // A download the user ships on purpose: last month's data, not a coding of data.json.
    const archive = gzipSync(`{"rows":[${'0,'.repeat(900)}0]}`);
    await writeFile(join(site, 'data.json'), data);
    await writeFile(join(site, 'data.json.gz'), archive);
    await writeFile(join(site, 'app.js'), JS);
    await writeFile(join(site, 'app.js.gz'), gzipSync(JS));
    const bare = await serve({ dir: site });
    try {
      const asJson = await get(bare.url, '/data.json', { 'Accept-Encoding': 'gzip' });
      expect(asJson.status).toBe(200);
      expect(asJson.headers['content-encoding']).toBeUndefined();
      expect(asJson.body.toString()).toBe(data);
      const own = await get(bare.url, '/data.json.gz', { 'Accept-Encoding': 'gzip' });
      expect(own.status).toBe(200);
      expect(own.headers['content-type']).toBe('application/gzip');
      expect(own.headers['content-encoding']).toBeUndefined();
      expect(own.body.equals(archive)).toBe(true);
      // A sibling that does decode to its file is still served as its coding.
      const js = await get(bare.url, '/app.js', { 'Accept-Encoding': 'gzip' });
      expect(js.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(js.body).toString()).toBe(JS);
    } finally {
      await stop(bare.server);
    }
    // With a manifest that lists the download (as a file of its own, not a sibling).
    const manifest = await createManifest({ dir: site });
    if (!manifest.files.some((f) => f.path === 'data.json.gz')) {
      const other = await createManifest({ dir: site, ignore: ['data.json', 'app.js*'] });
      manifest.files.push(...other.files.filter((f) => f.path === 'data.json.gz'));
    }
    const listed = await serve({ dir: site, manifest });
    try {
      const asJson = await get(listed.url, '/data.json', { 'Accept-Encoding': 'gzip' });
      expect(asJson.headers['content-encoding']).toBeUndefined();
      expect(asJson.body.toString()).toBe(data);
      const own = await get(listed.url, '/data.json.gz');
      expect(own.status).toBe(200);
      expect(own.headers['content-encoding']).toBeUndefined();
      expect(own.body.equals(archive)).toBe(true);
    } finally {
      await stop(listed.server);
      await rm(site, { recursive: true, force: true });
    }
  });
});

describe('origin handler without a manifest', () => {
  it("classes names by the 'hash' option: a hashLength: 12 build gets its year", async () => {
    const site = await mkdtemp(join(tmpdir(), 'skewless-origin-hash-'));
    await mkdir(join(site, 'assets'));
    await writeFile(join(site, 'assets', 'app-0a1b2c3d4e5f.js'), JS);
    const year = 'public, max-age=31536000, immutable';
    const plain = await serve({ dir: site, manifest: false });
    const twelve = await serve({ dir: site, manifest: false, hash: { length: 12, characters: 'hex' } });
    try {
      // The default format (8 hex) does not see a 12-character hash: a short max-age, not a year.
      expect((await get(plain.url, '/assets/app-0a1b2c3d4e5f.js')).headers['cache-control']).not.toBe(year);
      expect((await get(twelve.url, '/assets/app-0a1b2c3d4e5f.js')).headers['cache-control']).toBe(year);
    } finally {
      await stop(plain.server);
      await stop(twelve.server);
      await rm(site, { recursive: true, force: true });
    }
  });
});
