import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { configuredControlFiles } from '../src/control-files.js';
import { tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';
import { filesOnDisk, readBuiltManifest } from './helpers/manifest.js';

// Vite 8's build.chunkImportMap: chunks import each other through stable specifiers, and the import
// map that resolves them to this release's hashed files is inlined into the HTML and also written as
// a file (for servers that render their own HTML). That file names the release's chunks: a document.
describe('Vite 8 build.chunkImportMap', () => {
  for (const fileName of [undefined, 'release-map.json']) {
    test(`the import map file${fileName ? ` under Rolldown's fileName ${fileName}` : ''} is a document`, async () => {
      const out = await tempDir();
      try {
        await viteBuild('vite8', {
          outDir: out.dir,
          sourcemap: false,
          build: { chunkImportMap: true },
          rollupOptions: fileName ? { experimental: { chunkImportMap: { fileName } } } : undefined,
        });
        const name = fileName ?? 'importmap.json';
        const map = JSON.parse(await readFile(join(out.dir, name), 'utf8'));
        // A real import map of this build's hashed chunks, or the test would prove nothing.
        expect(Object.values(map.imports).some((url) => /-[a-f0-9]{8}\.js$/.test(String(url)))).toBe(true);
        const manifest = await readBuiltManifest(out.dir);
        expect(manifest.files.find((f) => f.path === name)).toMatchObject({
          class: 'document',
          cacheControl: 'no-cache',
        });
      } finally {
        await out.cleanup();
      }
    });
  }

  test('the configured name counts only with chunkImportMap on', () => {
    const named = { rolldownOptions: { experimental: { chunkImportMap: { fileName: './maps/im.json' } } } };
    expect(configuredControlFiles({ chunkImportMap: true, ...named })).toEqual(['maps/im.json']);
    expect(configuredControlFiles({ chunkImportMap: false, ...named })).toEqual([]);
    expect(configuredControlFiles({ chunkImportMap: true })).toEqual([]);
    expect(configuredControlFiles(undefined)).toEqual([]);
  });
});

// A backend integration names Vite's manifests itself (build.manifest / build.ssrManifest as a path in
// outDir): they are for the server, private like their default .vite/ home, so never uploaded.
describe.each(VITE_NAMES)('backend manifests under names of their own with %s', (vite) => {
  test('are private and stay out of the upload', async () => {
    const work = await tempDir();
    try {
      const outDir = join(work.dir, 'dist');
      const bucket = join(work.dir, 'bucket');
      await viteBuild(vite, {
        outDir,
        sourcemap: false,
        build: { manifest: 'backend/manifest.json', ssrManifest: 'ssr-manifest.json' },
        skewless: { upload: { to: pathToFileURL(bucket).href, html: true } },
      });
      const backend = JSON.parse(await readFile(join(outDir, 'backend/manifest.json'), 'utf8'));
      // Vite's real manifest, or the test would prove nothing.
      expect(backend['index.html']?.file).toMatch(/^assets\/index-[a-f0-9]{8}\.js$/);
      expect(existsSync(join(outDir, 'ssr-manifest.json'))).toBe(true);
      const manifest = await readBuiltManifest(outDir);
      for (const path of ['backend/manifest.json', 'ssr-manifest.json'])
        expect(manifest.files.find((f) => f.path === path)?.class, path).toBe('private');
      const uploaded = await filesOnDisk(bucket);
      expect(uploaded).toContain('index.html');
      expect(uploaded.filter((p) => /manifest\.json$/.test(p) && !p.startsWith('.skewless/'))).toEqual([]);
    } finally {
      await work.cleanup();
    }
  });
});
