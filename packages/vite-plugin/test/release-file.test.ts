import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Recorded, startRecordingProxy, startS3 } from '../../uploader/test/helpers/s3.js';
import { tempDir, viteBuild } from './helpers/builders.js';
import { readBuiltManifest } from './helpers/manifest.js';

// `releaseFile` moves the release file where a backend's SPA fallback does not answer with the HTML:
// written there, listed in the manifest as a no-cache document, fetched there by the guard, and
// published last by the upload, after the HTML.

let s3: Awaited<ReturnType<typeof startS3>>;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.close();
});

const keyOf = (r: Recorded) =>
  decodeURIComponent(new URL(r.url, 'http://x').pathname.split('/').slice(2).join('/'));

describe.each(['vite5', 'vite8'])('releaseFile with %s', (vite) => {
  test("releaseFile: 'assets/skewless.json' is written, listed, fetched by the guard and published last", async () => {
    const out = await tempDir();
    const proxy = await startRecordingProxy(s3.server.endpoint);
    const prefix = `release-file-${vite}`;
    try {
      await viteBuild(vite, {
        outDir: out.dir,
        base: '/admin/',
        skewless: {
          releaseFile: 'assets/skewless.json',
          upload: {
            to: `s3://${s3.server.bucket}/${prefix}`,
            endpoint: proxy.endpoint,
            region: 'us-east-1',
            credentials: s3.credentials,
            html: true,
          },
        },
      });
      const manifest = await readBuiltManifest(out.dir);
      expect(manifest.releaseFile).toBe('assets/skewless.json');
      expect(JSON.parse(await readFile(join(out.dir, 'assets/skewless.json'), 'utf8'))).toEqual({
        release: manifest.release,
      });
      await expect(stat(join(out.dir, 'skewless.json'))).rejects.toThrow();
      const entry = manifest.files.find((f) => f.path === 'assets/skewless.json');
      expect(entry).toMatchObject({ class: 'document', cacheControl: 'no-cache' });
      const html = await readFile(join(out.dir, 'index.html'), 'utf8');
      expect(html).toContain('"/admin/assets/skewless.json"');

      const puts = proxy.requests.filter((r) => r.method === 'PUT').map(keyOf);
      const releaseAt = puts.indexOf(`${prefix}/assets/skewless.json`);
      expect(releaseAt).toBeGreaterThan(puts.indexOf(`${prefix}/index.html`));
      expect(puts.indexOf(`${prefix}/index.html`)).toBeGreaterThan(-1);
      const head = await s3.head(`${prefix}/assets/skewless.json`);
      expect(head.CacheControl).toBe('no-cache');
      expect(JSON.parse((await s3.body(`${prefix}/assets/skewless.json`)).toString())).toEqual({
        release: manifest.release,
      });
    } finally {
      await proxy.close();
      await out.cleanup();
    }
  });

  test('a releaseFile outside the output directory, in a dot folder or not .json fails the build, naming the fix', async () => {
    for (const [releaseFile, said] of [
      ['../skewless.json', "must not hold '..'"],
      ['/skewless.json', 'must be relative to the output directory'],
      ['.well/skewless.json', 'must not be in a dot folder'],
      ['assets/release.txt', "must end in '.json'"],
    ] as const) {
      const out = await tempDir();
      try {
        await expect(viteBuild(vite, { outDir: out.dir, skewless: { releaseFile } })).rejects.toThrow(
          `'releaseFile' ${said}`,
        );
      } finally {
        await out.cleanup();
      }
    }
  });
});
