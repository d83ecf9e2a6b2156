import { VitePWA } from 'vite-plugin-pwa';
import { describe, expect, test } from 'vitest';
import { tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';
import { filesOnDisk, readBuiltManifest } from './helpers/manifest.js';

// The real vite-plugin-pwa (generateSW, Workbox): it writes the service worker and Workbox's runtime in
// its own closeBundle, after every bundle file is written. The manifest, and so the upload, must still
// list them: a service worker that is never uploaded serves the previous release's precache forever.
// The fixture's public/sw.js stays; the generated worker gets a name of its own.
const SW = 'service-worker.js';

function pwa() {
  return VitePWA({ filename: SW, injectRegister: false, manifest: false });
}

describe.each(VITE_NAMES)('a generated service worker, %s', (vite) => {
  for (const order of ['before', 'after'] as const) {
    test(`VitePWA() ${order} skewless(): the worker and Workbox's runtime are in the manifest`, async () => {
      const out = await tempDir();
      try {
        await viteBuild(vite, {
          outDir: out.dir,
          sourcemap: false,
          skewless: { unhashed: ['sw.js', SW] },
          ...(order === 'before' ? { plugins: [pwa()] } : { after: [pwa()] }),
        });
        const manifest = await readBuiltManifest(out.dir);
        const byPath = new Map(manifest.files.map((f) => [f.path, f]));
        // Everything on disk is described, the generated files included.
        const onDisk = (await filesOnDisk(out.dir)).filter((p) => !p.startsWith('.skewless/'));
        expect(manifest.files.map((f) => f.path)).toEqual(onDisk);
        expect(byPath.get(SW)).toMatchObject({ class: 'document', cacheControl: 'no-cache' });
        const workbox = manifest.files.filter((f) => /^workbox-[a-f0-9]{8}\.js$/.test(f.path));
        expect(workbox.map((f) => f.class)).toEqual(['immutable']);
      } finally {
        await out.cleanup();
      }
    });
  }
});
