import legacy from '@vitejs/plugin-legacy';
import { expect, test } from 'vitest';
import { tempDir, viteBuild } from './helpers/builders.js';
import { expectedFiles, filesOnDisk, readBuiltManifest } from './helpers/manifest.js';

// The real @vitejs/plugin-legacy (7.x, for Vite 7): a second, SystemJS output plus a polyfill chunk
// it builds itself and puts into the bundle, all in one manifest.
test('@vitejs/plugin-legacy with Vite 7: modern and legacy files, hashed, in one manifest', async () => {
  const out = await tempDir();
  try {
    const reported = await viteBuild('vite7', {
      outDir: out.dir,
      sourcemap: false,
      plugins: [legacy({ targets: ['defaults'] })],
    });
    const manifest = await readBuiltManifest(out.dir);
    const expected = await expectedFiles(reported, 'app');
    expect(manifest.files.map((f) => f.path)).toEqual(expected);
    expect(await filesOnDisk(out.dir)).toEqual(expected);
    // Both outputs and the polyfill chunk carry the plugin's 8-hex names and are immutable.
    const scripts = manifest.files.filter((f) => f.path.endsWith('.js') && f.path.startsWith('assets/'));
    for (const f of scripts) {
      expect(f.path).toMatch(/^assets\/[a-z-]+-[a-f0-9]{8}\.js$/);
      expect(f.class, f.path).toBe('immutable');
    }
    const stems = scripts.map((f) => f.path.replace(/-[a-f0-9]{8}\.js$/, '')).sort();
    expect(stems).toEqual([
      'assets/index',
      'assets/index-legacy',
      'assets/lazy',
      'assets/lazy-legacy',
      'assets/polyfills-legacy',
    ]);
    // The nomodule scripts plugin-legacy writes into index.html are among its references.
    const index = manifest.files.find((f) => f.path === 'index.html')!;
    expect(index.references).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^assets\/polyfills-legacy-[a-f0-9]{8}\.js$/),
        expect.stringMatching(/^assets\/index-legacy-[a-f0-9]{8}\.js$/),
      ]),
    );
  } finally {
    await out.cleanup();
  }
});
