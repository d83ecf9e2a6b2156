import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Manifest } from '@skewless/uploader';
import { startBucket } from '../src/harness/bucket.js';
import { buildDir, loadBuilds } from '../src/harness/builds.js';
import { withStack } from '../src/harness/stack.js';
import { startNginx } from '../src/nginx.js';

// `upload --base-url` through a real nginx cache in front of the local S3: the CDN, not the bucket, is
// what a page loads from, so a stale cached 404 or a stale cached copy with other bytes must stop the
// deploy before any document, even though the bucket holds every file right.

/** nginx in front of `prefix` of the bucket, caching 200s for a day and 404s for 10 minutes (as a CDN's
 * error caching does; CloudFront's default is 10 s). */
function cdn(port: number, bucket: string, prefix: string) {
  return `
  upstream bucket {
    server 127.0.0.1:${port};
  }
  proxy_cache_path {{prefix}}/cache levels=1:2 keys_zone=cdn:1m max_size=16m inactive=1h use_temp_path=off;
  server {
    listen 127.0.0.1:{{port}};
    add_header X-Cache-Status $upstream_cache_status always;
    location / {
      proxy_pass http://bucket/${bucket}/${prefix}/;
      proxy_set_header Host 127.0.0.1:${port};
      proxy_cache cdn;
      proxy_cache_valid 200 1d;
      proxy_cache_valid 404 10m;
    }
  }`;
}

test('verify through an nginx cache: a cached 404 and a cached copy with other bytes stop the deploy before any document', async () => {
  const builds = await loadBuilds();
  const dir = buildDir(builds, 'skewless', 1);
  const manifest = JSON.parse(await readFile(join(dir, '.skewless/manifest.json'), 'utf8')) as Manifest;
  const immutable = manifest.files.filter((f) => f.class === 'immutable' && f.path.endsWith('.js'));
  expect(immutable.length).toBeGreaterThanOrEqual(2);
  const [missing, stale] = immutable as [(typeof immutable)[0], (typeof immutable)[0]];
  const { upload } = await import('@skewless/uploader');

  await withStack(async (stack) => {
    const bucket = await startBucket(stack);
    const { port, name } = bucket.route;
    const nginx = stack.use(await startNginx({ config: cdn(port, name, 'app') }), (n) => n.stop());
    const key = (path: string) => `app/${path}`;
    // s3rver takes unsigned requests (as in naive-publish.ts): a write by hand, not through the engine.
    const object = (path: string) => `${bucket.server.endpoint}/${name}/${key(path)}`;
    const get = async (path: string) => {
      const res = await fetch(`${nginx.url}/${path}`);
      return { status: res.status, cache: res.headers.get('x-cache-status'), body: await res.text() };
    };

    // Before the deploy: a request for one chunk (a prefetch, a crawler) makes the CDN cache a 404.
    expect(await get(missing.path)).toMatchObject({ status: 404, cache: 'MISS' });
    // Another chunk's name once held other bytes (a build by hand, a copy from elsewhere): cached, then
    // removed from the bucket, so the upload writes the build's bytes there.
    expect((await fetch(object(stale.path), { method: 'PUT', body: 'export default "other"\n' })).ok).toBe(
      true,
    );
    expect(await get(stale.path)).toMatchObject({
      status: 200,
      cache: 'MISS',
      body: 'export default "other"\n',
    });
    expect((await fetch(object(stale.path), { method: 'DELETE' })).ok).toBe(true);

    const to = `s3://${name}/app`;
    const deploy = upload({ ...bucket.target, to, dir, html: true, verifyUrl: `${nginx.url}/` });
    await expect(deploy).rejects.toMatchObject({ code: 'VERIFY_FAILED' });
    const message = (await deploy.catch((e: Error) => e.message)) as string;
    expect(message).toMatch(/^\[skewless\] 2 of \d+ file\(s\) are not served right through /);
    expect(message).toContain(`${nginx.url}/${missing.path} answered 404`);
    expect(message).toContain(`${nginx.url}/${stale.path} sent `);
    expect(message).toContain('No document was published.');
    // Both files are right in the bucket; the cache still answers the 404 and the old bytes.
    expect(await get(missing.path)).toMatchObject({ status: 404, cache: 'HIT' });
    expect(await get(stale.path)).toMatchObject({
      status: 200,
      cache: 'HIT',
      body: 'export default "other"\n',
    });
    const stored = async (path: string) => fetch(object(path)).then((r) => r.status);
    expect(await stored(missing.path)).toBe(200);
    expect(await stored(stale.path)).toBe(200);
    // No document, no release file, and the current pointer never moved.
    expect(await stored('index.html')).toBe(404);
    expect(await stored('skewless.json')).toBe(404);
    expect(await stored('.skewless/current.json')).toBe(404);

    // Once the cache is emptied (a purge), the same deploy passes the check and publishes.
    const clean = stack.use(await startNginx({ config: cdn(port, name, 'app') }), (n) => n.stop());
    const done = await upload({ ...bucket.target, to, dir, html: true, verifyUrl: `${clean.url}/` });
    expect(done.release).toBe(manifest.release);
    expect(await stored('index.html')).toBe(200);
  });
});
