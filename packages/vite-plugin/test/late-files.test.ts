import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_PATH } from '@skewless/core';
import type { Plugin as RollupPlugin } from 'rollup';
import { describe, expect, test } from 'vitest';
import { rollupBuild, tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';
import { readBuiltManifest } from './helpers/manifest.js';

/**
 * A plugin placed after skewless() that emits an asset in its own generateBundle, so the file reaches
 * the bundle only after the plugin's generateBundle ran (as Rolldown's late emitted files do): the
 * plugin first sees it in writeBundle.
 */
function lateAsset(): RollupPlugin {
  return {
    name: 'test:late-asset',
    generateBundle() {
      this.emitFile({ type: 'asset', name: 'late.txt', source: 'emitted late\n' });
    },
  };
}

/** An assetFileNames function that drops [hash] for the late file only, so no earlier file trips the check. */
// biome-ignore lint/suspicious/noExplicitAny: Rollup and Rolldown type the asset info differently.
const unhashedLate = (prefix: string) => (info: any) =>
  (info.names?.[0] ?? info.name) === 'late.txt'
    ? `${prefix}[name][extname]`
    : `${prefix}[name]-[hash][extname]`;

const NO_HASH_LATE =
  /\[skewless\] output\.assetFileNames '(assets\/)?\[name\]\[extname\]' has no \[hash\], so '(assets\/)?late\.txt'/;

describe.each(VITE_NAMES)('files emitted after the plugin, %s', (vite) => {
  test('a hashed late asset is immutable; index.html and .vite/manifest.json keep their classes', async () => {
    const out = await tempDir();
    try {
      await viteBuild(vite, { outDir: out.dir, after: [lateAsset()], manifest: true, sourcemap: false });
      const manifest = await readBuiltManifest(out.dir);
      const cls = Object.fromEntries(manifest.files.map((f) => [f.path, f.class]));
      const late = manifest.files.filter((f) => /^assets\/late-[a-f0-9]{8}\.txt$/.test(f.path));
      expect(late.map((f) => f.class)).toEqual(['immutable']);
      expect(late[0]!.cacheControl).toMatch(/immutable/);
      expect(cls['index.html']).toBe('document');
      expect(cls['.vite/manifest.json']).toBe('private');
    } finally {
      await out.cleanup();
    }
  });

  test('a late asset named by a pattern without [hash] fails the build', async () => {
    const out = await tempDir();
    try {
      await expect(
        viteBuild(vite, {
          outDir: out.dir,
          after: [lateAsset()],
          sourcemap: false,
          rollupOptions: { output: { assetFileNames: unhashedLate('assets/') } },
        }),
      ).rejects.toThrow(NO_HASH_LATE);
    } finally {
      await out.cleanup();
    }
  });
});

describe('files emitted after the plugin, plain Rollup 4', () => {
  test('a hashed late asset is immutable', async () => {
    const out = await tempDir();
    try {
      await rollupBuild(out.dir, {}, [{ format: 'es' }], [lateAsset()]);
      const manifest = await readBuiltManifest(out.dir);
      const late = manifest.files.filter((f) => /^late-[a-f0-9]{8}\.txt$/.test(f.path));
      expect(late.map((f) => f.class)).toEqual(['immutable']);
    } finally {
      await out.cleanup();
    }
  });

  test('a late asset named by a pattern without [hash] fails the build', async () => {
    const out = await tempDir();
    try {
      await expect(
        rollupBuild(out.dir, {}, [{ format: 'es', assetFileNames: unhashedLate('') }], [lateAsset()]),
      ).rejects.toThrow(NO_HASH_LATE);
      // bundle.close() still runs closeBundle after the failed write: it must not describe the output.
      expect(existsSync(join(out.dir, MANIFEST_PATH))).toBe(false);
    } finally {
      await out.cleanup();
    }
  });
});
