import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Recorded, startRecordingProxy, startS3 } from '../../uploader/test/helpers/s3.js';
import { tempDir, viteBuild } from './helpers/builders.js';
import { readBuiltManifest } from './helpers/manifest.js';

let s3: Awaited<ReturnType<typeof startS3>>;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.close();
});

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const isPut = (r: Recorded) => r.method === 'PUT';
/** The object key of a path-style request (`/<bucket>/<key>?…`). */
const keyOf = (r: Recorded) =>
  decodeURIComponent(new URL(r.url, 'http://x').pathname.split('/').slice(2).join('/'));

/** A promise with its resolver, and a deadline so a broken product fails the test instead of hanging it. */
function signal(what: string, ms = 20_000): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve, reject) => {
    fire = resolve;
    setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref();
  });
  return { promise, fire };
}

let prefixes = 0;
/** A proxy in front of the test's s3rver that fires `assetSent` at the first PUT of a hashed asset. */
/** The plugin's upload option for `prefix` of the test bucket, reached at `endpoint` (a proxy). */
const uploadTo = (prefix: string, endpoint: string) => ({
  to: `s3://${s3.server.bucket}/${prefix}`,
  endpoint,
  region: 'us-east-1',
  credentials: s3.credentials,
  html: true,
});

/** Every public file of the build read back from the bucket and hashed against the file on disk. */
async function expectStoredAsBuilt(
  prefix: string,
  outDir: string,
  manifest: Awaited<ReturnType<typeof readBuiltManifest>>,
) {
  for (const file of manifest.files.filter((f) => f.class !== 'private')) {
    const body = await s3.body(`${prefix}/${file.path}`);
    expect(sha256(body), file.path).toBe(sha256(await readFile(join(outDir, file.path))));
  }
}

async function setup() {
  const prefix = `early${++prefixes}`;
  const assetSent = signal('a hashed asset to be sent');
  const proxy = await startRecordingProxy(s3.server.endpoint, async (req) => {
    if (
      isPut(req) &&
      /\/assets\/[^/]+-[0-9A-Za-z_-]{8}\.(js|css|png)$/.test(new URL(req.url, 'http://x').pathname)
    )
      assetSent.fire();
    return undefined;
  });
  const upload = uploadTo(prefix, proxy.endpoint);
  const keys = async () =>
    (await s3.keys()).filter((k) => k.startsWith(`${prefix}/`)).map((k) => k.slice(prefix.length + 1));
  return { prefix, proxy, upload, assetSent, keys };
}

describe.each(['vite5', 'vite7', 'vite8'])('upload from writeBundle with %s', (vite) => {
  test("hashed files are in the bucket while a later plugin's closeBundle still runs; the documents only after; every byte read back", async () => {
    const work = await tempDir();
    const { prefix, proxy, upload, assetSent, keys } = await setup();
    try {
      const outDir = join(work.dir, 'dist');
      let putsAtClose: string[] = [];
      // Runs before the plugin's own closeBundle (order 'post'), like a service-worker generator: it
      // only returns once the upload has begun, which it can only have begun in writeBundle.
      const slowCloser = {
        name: 'test:slow-close-bundle',
        async closeBundle() {
          await assetSent.promise;
          putsAtClose = proxy.requests.filter(isPut).map(keyOf);
        },
      };
      await viteBuild(vite, { outDir, after: [slowCloser], skewless: { upload } });
      expect(putsAtClose.some((k) => k.startsWith(`${prefix}/assets/`))).toBe(true);
      // Nothing a page reads first went out before the build was over.
      expect(putsAtClose.filter((k) => !k.includes('/assets/') && !k.includes('/.skewless/'))).toEqual([]);

      const manifest = await readBuiltManifest(outDir);
      const stored = await keys();
      await expectStoredAsBuilt(prefix, outDir, manifest);
      // The claim of the early sends is gone; the release's own record is there.
      expect(stored.filter((k) => k.startsWith('.skewless/releases/early-'))).toEqual([]);
      expect(stored).toContain(`.skewless/releases/${manifest.release}.json`);
      // Each asset was sent once; the HTML after every asset.
      const puts = proxy.requests.filter(isPut).map(keyOf);
      const assets = manifest.files.filter((f) => f.class === 'immutable').map((f) => `${prefix}/${f.path}`);
      for (const key of assets)
        expect(
          puts.filter((k) => k === key),
          key,
        ).toHaveLength(1);
      const html = puts.indexOf(`${prefix}/index.html`);
      expect(html).toBeGreaterThan(Math.max(...assets.map((k) => puts.indexOf(k))));
    } finally {
      await proxy.close();
      await work.cleanup();
    }
  });

  test("the manifest and the release's record are written while an early send is still in flight; then the assets are listed once", async () => {
    const work = await tempDir();
    const prefix = `early${++prefixes}`;
    const recordWritten = signal("the release's record to be written");
    let passed = 0;
    let passedAtRecord: number | undefined;
    const proxy = await startRecordingProxy(s3.server.endpoint, async (req) => {
      const key = keyOf(req);
      if (!isPut(req)) return undefined;
      // Every hashed asset's PUT waits here for the release's record (a deadline ends the wait when the
      // upload only writes the record once the early sends are done, and the assertion below fails).
      if (/^[^/]+\/assets\//.test(key)) {
        await recordWritten.promise.catch(() => {});
        passed++;
      } else if (/\/\.skewless\/releases\/(?!early-)[^/]+\.json$/.test(key)) {
        passedAtRecord ??= passed;
        recordWritten.fire();
      }
      return undefined;
    });
    try {
      const outDir = join(work.dir, 'dist');
      const upload = uploadTo(prefix, proxy.endpoint);
      await viteBuild(vite, { outDir, publicDir: false, skewless: { upload } });
      expect(passedAtRecord).toBe(0);
      expect(passed).toBeGreaterThan(0);
      const manifest = await readBuiltManifest(outDir);
      await expectStoredAsBuilt(prefix, outDir, manifest);
      // Every asset went early (no public/ folder, so no other): one listing for the early batch's plan and
      // one for the rest's, taken after the early sends settled, which also verifies them.
      expect(manifest.files.filter((f) => !['immutable', 'document', 'private'].includes(f.class))).toEqual(
        [],
      );
      const listings = proxy.requests.filter(
        (r) => r.url.includes('list-type=2') && r.url.includes(`prefix=${prefix}`),
      );
      expect(listings).toHaveLength(2);
    } finally {
      await proxy.close();
      await work.cleanup();
    }
  });

  test("an early send that finds other bytes under a hashed name fails the build after the release's record was written: the record and the claim go, no document", async () => {
    const work = await tempDir();
    const prefix = `early${++prefixes}`;
    try {
      // The same fixture builds the same names: the bucket holds other bytes under one of them.
      const first = join(work.dir, 'first');
      await viteBuild(vite, { outDir: first, skewless: {} });
      const taken = (await readBuiltManifest(first)).files.find((f) => f.class === 'immutable')!.path;
      await s3.put(`${prefix}/${taken}`, 'other bytes');
      const recordWritten = signal("the release's record to be written");
      let earlyListed = false;
      const proxy = await startRecordingProxy(s3.server.endpoint, async (req) => {
        const key = keyOf(req);
        // The early batch's listing (which finds the conflict) waits until the release's record is there.
        if (!earlyListed && req.url.includes('list-type=2') && req.url.includes(`prefix=${prefix}`)) {
          earlyListed = true;
          await recordWritten.promise.catch(() => {});
        } else if (isPut(req) && /\/\.skewless\/releases\/(?!early-)[^/]+\.json$/.test(key))
          recordWritten.fire();
        return undefined;
      });
      const upload = uploadTo(prefix, proxy.endpoint);
      try {
        await expect(
          viteBuild(vite, { outDir: join(work.dir, 'dist'), skewless: { upload } }),
        ).rejects.toThrow(/already holds other bytes/);
        await recordWritten.promise;
      } finally {
        await proxy.close();
      }
      const stored = (await s3.keys()).filter((k) => k.startsWith(`${prefix}/`));
      expect(stored.filter((k) => k.includes('/.skewless/') || !k.includes('/assets/'))).toEqual([]);
      expect(stored).toContain(`${prefix}/${taken}`);
    } finally {
      await work.cleanup();
    }
  });

  test('two outputs (as plugin-legacy writes): each output starts its own files, each is sent once, one release, no claim left', async () => {
    const work = await tempDir();
    const { prefix, proxy, upload, keys } = await setup();
    try {
      const outDir = join(work.dir, 'dist');
      // Rolldown (Vite 8) builds no SystemJS for an HTML app: a second ES output there.
      const second = {
        format: vite === 'vite8' ? 'es' : 'system',
        entryFileNames: 'assets/[name]-legacy-[hash].js',
        chunkFileNames: 'assets/[name]-legacy-[hash].js',
      };
      await viteBuild(vite, { outDir, skewless: { upload }, rollupOptions: { output: [{}, second] } });
      const manifest = await readBuiltManifest(outDir);
      const legacy = manifest.files.filter((f) => f.path.includes('-legacy-'));
      expect(legacy.length).toBeGreaterThan(0);
      const puts = proxy.requests.filter(isPut).map(keyOf);
      for (const file of manifest.files.filter((f) => f.class === 'immutable')) {
        expect(
          puts.filter((k) => k === `${prefix}/${file.path}`),
          file.path,
        ).toHaveLength(1);
        const body = await s3.body(`${prefix}/${file.path}`);
        expect(sha256(body), file.path).toBe(sha256(await readFile(join(outDir, file.path))));
      }
      const stored = await keys();
      expect(stored.filter((k) => k.startsWith('.skewless/releases/early-'))).toEqual([]);
      expect(stored.filter((k) => /^\.skewless\/releases\/[^/]+\.json$/.test(k))).toEqual([
        `.skewless/releases/${manifest.release}.json`,
      ]);
    } finally {
      await proxy.close();
      await work.cleanup();
    }
  });

  test('upload.early: false sends nothing before the build is over', async () => {
    const work = await tempDir();
    const { proxy, upload, keys } = await setup();
    try {
      const outDir = join(work.dir, 'dist');
      let putsAtClose = -1;
      const closer = {
        name: 'test:count-at-close-bundle',
        closeBundle() {
          putsAtClose = proxy.requests.filter(isPut).length;
        },
      };
      await viteBuild(vite, { outDir, after: [closer], skewless: { upload: { ...upload, early: false } } });
      expect(putsAtClose).toBe(0);
      expect(await keys()).toContain('index.html');
    } finally {
      await proxy.close();
      await work.cleanup();
    }
  });

  test("a later plugin's failed writeBundle fails the build after the early sends: no document, no current release, no claim left", async () => {
    const work = await tempDir();
    const { proxy, upload, assetSent, keys } = await setup();
    try {
      const outDir = join(work.dir, 'dist');
      const failing = {
        name: 'test:fail-write-bundle',
        async writeBundle() {
          await assetSent.promise;
          throw new Error('the disk is full');
        },
      };
      await expect(viteBuild(vite, { outDir, after: [failing], skewless: { upload } })).rejects.toThrow(
        /the disk is full/,
      );
      const stored = await keys();
      expect(stored.some((k) => k.startsWith('assets/'))).toBe(true);
      expect(stored.filter((k) => !k.startsWith('assets/'))).toEqual([]);
    } finally {
      await proxy.close();
      await work.cleanup();
    }
  });

  test('a plugin that rewrites a hashed file after the early send fails the upload, naming the file; no document goes live', async () => {
    const work = await tempDir();
    const { prefix, upload, assetSent, keys } = await setup();
    try {
      const outDir = join(work.dir, 'dist');
      let rewritten = '';
      const rewriter = {
        name: 'test:rewrite-after-write-bundle',
        async closeBundle() {
          await assetSent.promise;
          const { readdir, appendFile } = await import('node:fs/promises');
          const js = (await readdir(join(outDir, 'assets'))).find((f) => f.endsWith('.js'))!;
          rewritten = js;
          await appendFile(join(outDir, 'assets', js), '\n// rewritten after writeBundle\n');
        },
      };
      const built = viteBuild(vite, { outDir, after: [rewriter], skewless: { upload } });
      await expect(built).rejects.toThrow();
      await built.catch((error: Error) => expect(error.message).toContain(rewritten));
      // Only the release's pending record (it expires, as any failed upload's does); no document, no current.
      const left = (await keys()).filter((k) => !k.startsWith('assets/'));
      expect(left).toEqual([expect.stringMatching(/^\.skewless\/releases\/[0-9a-f]{16}\.json$/)]);
      expect(JSON.parse((await s3.body(`${prefix}/${left[0]}`)).toString()).state).toBe('pending');
    } finally {
      await work.cleanup();
    }
  });
});
