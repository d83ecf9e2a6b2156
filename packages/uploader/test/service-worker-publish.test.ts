import { describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { startRecordingProxy, type startS3, useS3 } from './helpers/s3.js';

// A service worker is published after the HTML it precaches and before skewless.json, and never while
// it precaches a file the target does not hold.

let s3: Awaited<ReturnType<typeof startS3>>;
const cleanups = useS3((started) => {
  s3 = started;
});

const worker = (urls: string[]) =>
  `importScripts("workbox-1a2b3c4d.js");self.skipWaiting();e.precacheAndRoute([${urls.map((u) => `{url:"${u}",revision:"1"}`).join(',')}],{});\n`;

async function build(urls: string[]) {
  const b = await makeBuildDir({
    ...VITE_LIKE,
    'sw.js': worker(urls),
    'workbox-1a2b3c4d.js': 'self.workbox = {};\n',
  });
  cleanups.push(b.remove);
  await writeManifest(b.dir, await createManifest({ dir: b.dir, writeReleaseFile: true }));
  return b;
}

describe('service workers are published with the documents (real s3rver)', () => {
  it('HTML first, then the worker, then skewless.json', async () => {
    const b = await build(['index.html', 'assets/index-1a2b3c4d.js', 'workbox-1a2b3c4d.js']);
    const p = await startRecordingProxy(s3.server.endpoint);
    cleanups.push(p.close);
    await upload({
      dir: b.dir,
      to: 's3://skewless/sw-order',
      html: true,
      concurrency: 1,
      endpoint: p.endpoint,
      credentials: s3.credentials,
    });
    const puts = p.requests
      .filter((r) => r.method === 'PUT')
      .map((r) => decodeURIComponent(r.url.split('?')[0]!).replace('/skewless/sw-order/', ''))
      .filter((k) => ['index.html', 'sw.js', 'skewless.json'].includes(k));
    expect(puts).toEqual(['index.html', 'sw.js', 'skewless.json']);
  });

  it('a worker that precaches a file the target does not hold stops the publish, naming it', async () => {
    const b = await build(['index.html', 'assets/gone-00000000.js', 'https://fonts.example.com/f.woff2']);
    await expect(
      upload({
        dir: b.dir,
        to: 's3://skewless/sw-missing',
        html: true,
        endpoint: s3.server.endpoint,
        credentials: s3.credentials,
      }),
    ).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      message: expect.stringContaining(
        '1 precached file(s) are not in s3://skewless/sw-missing: sw.js precaches assets/gone-00000000.js',
      ),
    });
    const keys = await s3.keys();
    expect(keys).toContain('sw-missing/assets/index-1a2b3c4d.js');
    for (const document of ['index.html', 'sw.js', 'skewless.json'])
      expect(keys).not.toContain(`sw-missing/${document}`);
  });
});
