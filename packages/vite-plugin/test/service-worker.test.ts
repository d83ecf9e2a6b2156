import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestFile } from '@skewless/core';
import { RELEASE_FILE, RELEASE_META, RELEASE_PLACEHOLDER } from '@skewless/core';
import { VitePWA } from 'vite-plugin-pwa';
import { describe, expect, test } from 'vitest';
import { FIXTURES, tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';
import { filesOnDisk, readBuiltManifest } from './helpers/manifest.js';

// The real vite-plugin-pwa (Workbox): it writes the service worker and Workbox's runtime in its own
// closeBundle, after every bundle file is written. The manifest, and so the upload, must still list
// them: a service worker that is never uploaded serves the previous release's precache forever. And
// the worker is a control file: with no `unhashed` option it is a document (no-cache, uploaded with
// the HTML), so it cannot install in the window before the new HTML is there and precache the old one.
// The fixture's public/sw.js stays (a document by its name too); the generated worker gets its own name.
const SW = 'service-worker.js';

const WEB_MANIFEST = { name: 'Skewless fixture', short_name: 'fixture', icons: [] };

function generateSW() {
  return VitePWA({ filename: SW, injectRegister: false, manifest: WEB_MANIFEST });
}

const DOCUMENT = { class: 'document', cacheControl: 'no-cache' };
const REVALIDATE = { class: 'revalidate', cacheControl: 'public, max-age=300, stale-while-revalidate=86400' };
const IMMUTABLE = { class: 'immutable', cacheControl: 'public, max-age=31536000, immutable' };

/**
 * The revision Workbox precaches `index.html` under, read from the worker: its precache entry is an
 * object literal, minified (`{url:"index.html",revision:"…"}`) or JSON (`{"revision":"…","url":"index.html"}`).
 */
function precachedRevision(worker: string): string | undefined {
  const entry = /\{[^{}]*["']?url["']?\s*:\s*["']index\.html["'][^{}]*\}/.exec(worker)?.[0];
  return entry && /["']?revision["']?\s*:\s*["']([a-f0-9]{32})["']/.exec(entry)?.[1];
}

/**
 * The worker must precache the very index.html that ships: Workbox's revision is the MD5 of the bytes it
 * read, so one computed over the HTML before the release id was stamped never matches the shipped file,
 * and a release that changes only a public file leaves the worker byte-identical while the HTML changes.
 * The HTML, the release file and the manifest carry one release id.
 */
async function expectPrecachedHtmlFinal(dir: string, worker: string): Promise<void> {
  const html = await readFile(join(dir, 'index.html'));
  const manifest = await readBuiltManifest(dir);
  expect(html.toString()).not.toContain(RELEASE_PLACEHOLDER);
  expect(html.toString()).toContain(`<meta name="${RELEASE_META}" content="${manifest.release}">`);
  expect(JSON.parse(await readFile(join(dir, RELEASE_FILE), 'utf8'))).toEqual({ release: manifest.release });
  expect(precachedRevision(await readFile(join(dir, worker), 'utf8'))).toBe(
    createHash('md5').update(html).digest('hex'),
  );
}

/** The manifest's entries by path, after checking that it lists every file on disk. */
async function builtEntries(dir: string): Promise<Map<string, ManifestFile>> {
  const manifest = await readBuiltManifest(dir);
  const onDisk = (await filesOnDisk(dir)).filter((p) => !p.startsWith('.skewless/'));
  expect(manifest.files.map((f) => f.path)).toEqual(onDisk);
  return new Map(manifest.files.map((f) => [f.path, f]));
}

describe.each(VITE_NAMES)('a generated service worker, %s', (vite) => {
  for (const order of ['before', 'after'] as const) {
    test(`VitePWA() generateSW ${order} skewless(): the worker is a document, Workbox's runtime immutable`, async () => {
      const out = await tempDir();
      try {
        await viteBuild(vite, {
          outDir: out.dir,
          sourcemap: false,
          ...(order === 'before' ? { plugins: [generateSW()] } : { after: [generateSW()] }),
        });
        const byPath = await builtEntries(out.dir);
        expect(byPath.get(SW)).toMatchObject(DOCUMENT);
        expect(byPath.get('sw.js')).toMatchObject(DOCUMENT);
        // Workbox's runtime is named by its content and imported by that name: cached for a year.
        const workbox = [...byPath.values()].filter((f) => /^workbox-[a-f0-9]{8}\.js$/.test(f.path));
        expect(workbox).toHaveLength(1);
        expect(workbox[0]).toMatchObject(IMMUTABLE);
        // The web app manifest names icons, not chunks: it revalidates like other public files.
        expect(byPath.get('manifest.webmanifest')).toMatchObject(REVALIDATE);
        await expectPrecachedHtmlFinal(out.dir, SW);
        // Every other file the build wrote keeps the class it had before control files were known.
        for (const file of byPath.values()) {
          if (file.path.endsWith('.html') || file.path === 'skewless.json')
            expect(file).toMatchObject(DOCUMENT);
          else if (file.path.startsWith('assets/')) expect(file, file.path).toMatchObject(IMMUTABLE);
        }
      } finally {
        await out.cleanup();
      }
    });
  }

  test('VitePWA() generateSW: a release that changes only a public file ships a new worker', async () => {
    const pub = await tempDir('skewless-public-');
    const outs = [await tempDir(), await tempDir()];
    try {
      await cp(join(FIXTURES, 'app', 'public'), pub.dir, { recursive: true });
      const releases: string[] = [];
      const workers: string[] = [];
      for (const [i, out] of outs.entries()) {
        // robots.txt is not precached: only the release id in index.html tells the two builds apart.
        if (i === 1) await writeFile(join(pub.dir, 'robots.txt'), 'User-agent: *\nDisallow: /admin\n');
        await viteBuild(vite, {
          outDir: out.dir,
          sourcemap: false,
          publicDir: pub.dir,
          after: [generateSW()],
        });
        await expectPrecachedHtmlFinal(out.dir, SW);
        releases.push((await readBuiltManifest(out.dir)).release);
        workers.push(await readFile(join(out.dir, SW), 'utf8'));
      }
      expect(releases[1]).not.toBe(releases[0]);
      // A byte-identical worker never updates, and its precache keeps serving the old HTML.
      expect(workers[1]).not.toBe(workers[0]);
    } finally {
      for (const out of outs) await out.cleanup();
      await pub.cleanup();
    }
  });

  test('VitePWA() injectManifest: the worker built from our source, under a <name>-sw.js name, is a document', async () => {
    const out = await tempDir();
    const src = await tempDir('skewless-sw-src-');
    try {
      // No imports: the worker is built from a folder outside the fixture, with nothing to resolve.
      await writeFile(
        join(src.dir, 'push-sw.js'),
        `const entries = self.__WB_MANIFEST;\nself.addEventListener('install', () => console.log(entries.length));\n`,
      );
      await viteBuild(vite, {
        outDir: out.dir,
        sourcemap: false,
        after: [
          VitePWA({
            strategies: 'injectManifest',
            srcDir: src.dir,
            filename: 'push-sw.js',
            injectRegister: false,
            manifest: false,
            injectManifest: { minify: false },
          }),
        ],
      });
      const byPath = await builtEntries(out.dir);
      expect(byPath.get('push-sw.js')).toMatchObject(DOCUMENT);
      expect(byPath.get('sw.js')).toMatchObject(DOCUMENT);
      // The precache list is inlined into the worker, with the hashed assets in it.
      const worker = await readFile(join(out.dir, 'push-sw.js'), 'utf8');
      expect(worker).not.toContain('self.__WB_MANIFEST');
      expect(worker).toMatch(/assets\/index-[a-f0-9]{8}\.js/);
      await expectPrecachedHtmlFinal(out.dir, 'push-sw.js');
    } finally {
      await out.cleanup();
      await src.cleanup();
    }
  });
});
