import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '@skewless/core';
import { MANIFEST_PATH, RELEASE_FILE } from '@skewless/core';
import { describe, expect, test } from 'vitest';
import { rollupBuild, tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';
import { expectedFiles, filesOnDisk, readBuiltManifest } from './helpers/manifest.js';

/**
 * The manifest with hashes, digests and sizes replaced, so a snapshot shows structure and classes.
 * Sorted after the replacement: the manifest sorts by real name, so the order of `index-<hash>.js`
 * and `index-<hash>.css` would follow their hashes and change with any byte of the output.
 */
function placeholders(manifest: Manifest) {
  const hash = /-[a-f0-9]{8}(?=\.)/g;
  return {
    ...manifest,
    release: '<release>',
    files: manifest.files
      .map((f) => ({
        ...f,
        path: f.path.replace(hash, '-<hash>'),
        bytes: '<bytes>',
        sha256: '<sha256>',
        integrity: '<integrity>',
        ...(f.references ? { references: f.references.map((r) => r.replace(hash, '-<hash>')).sort() } : {}),
      }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}

/**
 * The manifest and the output directory both hold exactly `expected`, a list made without looking at
 * the output directory (createManifest walks it, so a walk alone would agree with any manifest).
 */
async function expectExactly(manifest: Manifest, dir: string, expected: string[]): Promise<void> {
  expect(manifest.files.map((f) => f.path)).toEqual(expected);
  expect(await filesOnDisk(dir)).toEqual(expected);
}

async function allBytes(dir: string): Promise<Map<string, string>> {
  const files = await filesOnDisk(dir);
  return new Map(
    await Promise.all(
      files.map(async (f) => [f, (await readFile(join(dir, f))).toString('base64')] as const),
    ),
  );
}

describe.each(VITE_NAMES)('manifest with %s', (vite) => {
  test('lists exactly the files on disk, with their classes, and is stamped into HTML', async () => {
    const out = await tempDir();
    try {
      const reported = await viteBuild(vite, { outDir: out.dir, skewless: { unhashed: ['sw.js'] } });
      const manifest = await readBuiltManifest(out.dir);
      await expectExactly(manifest, out.dir, await expectedFiles(reported, 'app'));

      const cls = Object.fromEntries(manifest.files.map((f) => [f.path, f.class]));
      expect(cls['robots.txt']).toBe('revalidate');
      expect(cls['favicon.svg']).toBe('revalidate');
      expect(cls['sw.js']).toBe('document');
      expect(cls['index.html']).toBe('document');
      expect(cls[RELEASE_FILE]).toBe('document');
      const maps = manifest.files.filter((f) => f.path.endsWith('.map'));
      expect(maps.length).toBeGreaterThan(0);
      for (const f of maps) expect(f.class).toBe('private');
      for (const f of manifest.files.filter(
        (f) => /\.(js|css|png)$/.test(f.path) && f.path.startsWith('assets/'),
      ))
        expect(f.class, f.path).toBe('immutable');

      // The release id reaches the runtime twice: in the release file and in the HTML meta tag.
      const html = await readFile(join(out.dir, 'index.html'), 'utf8');
      expect(html).toContain(`<meta name="skewless-release" content="${manifest.release}">`);
      expect(JSON.parse(await readFile(join(out.dir, RELEASE_FILE), 'utf8'))).toEqual({
        release: manifest.release,
      });
      const index = manifest.files.find((f) => f.path === 'index.html')!;
      expect(index.references).toEqual(
        expect.arrayContaining([expect.stringMatching(/^assets\/index-[a-f0-9]{8}\.js$/), 'favicon.svg']),
      );
      expect(placeholders(manifest)).toMatchSnapshot();
    } finally {
      await out.cleanup();
    }
  });

  test('two builds are byte-identical with the same release id', async () => {
    const [a, b] = await Promise.all([tempDir(), tempDir()]);
    try {
      await viteBuild(vite, { outDir: a.dir });
      await viteBuild(vite, { outDir: b.dir });
      const [ma, mb] = await Promise.all([readBuiltManifest(a.dir), readBuiltManifest(b.dir)]);
      expect(ma.release).toBe(mb.release);
      expect(await allBytes(a.dir)).toEqual(await allBytes(b.dir));
      expect(await readFile(join(a.dir, MANIFEST_PATH), 'utf8')).toBe(
        await readFile(join(b.dir, MANIFEST_PATH), 'utf8'),
      );
    } finally {
      await Promise.all([a.cleanup(), b.cleanup()]);
    }
  });

  test.each([
    { base: './', assetsDir: 'assets' },
    { base: '/admin/', assetsDir: 'static/js' },
  ])('base $base, assetsDir $assetsDir and a nested outDir', async ({ base, assetsDir }) => {
    const out = await tempDir();
    const outDir = join(out.dir, 'deep', 'out');
    try {
      const reported = await viteBuild(vite, { outDir, base, assetsDir });
      const manifest = await readBuiltManifest(outDir);
      expect(manifest.base).toBe(base);
      expect(manifest.assetsDir).toBe(assetsDir);
      await expectExactly(manifest, outDir, await expectedFiles(reported, 'app'));
      const hashed = manifest.files.filter((f) => f.class === 'immutable');
      expect(hashed.length).toBeGreaterThanOrEqual(5);
      for (const f of hashed) expect(f.path.startsWith(`${assetsDir}/`)).toBe(true);
      const index = manifest.files.find((f) => f.path === 'index.html')!;
      expect(index.references).toEqual(
        expect.arrayContaining([expect.stringMatching(new RegExp(`^${assetsDir}/index-[a-f0-9]{8}\\.js$`))]),
      );
    } finally {
      await out.cleanup();
    }
  });

  test('a legacy-style second output (another format, -legacy names) gives one manifest covering both', async () => {
    const out = await tempDir();
    // Rolldown (Vite 8) builds neither SystemJS nor CommonJS for an HTML app: a second ES output there.
    const format = vite === 'vite8' ? 'es' : 'system';
    try {
      const reported = await viteBuild(vite, {
        outDir: out.dir,
        rollupOptions: {
          output: [
            {},
            {
              format,
              entryFileNames: 'assets/[name]-legacy-[hash].js',
              chunkFileNames: 'assets/[name]-legacy-[hash].js',
            },
          ],
        },
      });
      const manifest = await readBuiltManifest(out.dir);
      await expectExactly(manifest, out.dir, await expectedFiles(reported, 'app'));
      const paths = manifest.files.filter((f) => f.class === 'immutable').map((f) => f.path);
      for (const re of [/^assets\/index-[a-f0-9]{8}\.js$/, /^assets\/index-legacy-[a-f0-9]{8}\.js$/])
        expect(paths.filter((p) => re.test(p))).toHaveLength(1);
      expect(paths.filter((p) => /^assets\/lazy-legacy-[a-f0-9]{8}\.js$/.test(p))).toHaveLength(1);
    } finally {
      await out.cleanup();
    }
  });

  test('an SSR build is left alone', async () => {
    const out = await tempDir();
    try {
      await viteBuild(vite, { outDir: out.dir, ssr: 'src/lazy.js', sourcemap: false });
      const files = await filesOnDisk(out.dir);
      expect(existsSync(join(out.dir, MANIFEST_PATH))).toBe(false);
      expect(files).not.toContain(RELEASE_FILE);
      // Vite's own server names, not Skewless's hashed ones.
      expect(files).toContain('lazy.js');
    } finally {
      await out.cleanup();
    }
  });
});

describe('manifest with plain Rollup 4', () => {
  test('two outputs (es + system) into one directory give one manifest covering both', async () => {
    const out = await tempDir();
    try {
      const reported = await rollupBuild(out.dir, {}, [
        { format: 'es' },
        {
          format: 'system',
          entryFileNames: 'system/[name]-[hash].js',
          chunkFileNames: 'system/[name]-[hash].js',
        },
      ]);
      const manifest = await readBuiltManifest(out.dir);
      await expectExactly(manifest, out.dir, await expectedFiles(reported));
      const immutable = manifest.files.filter((f) => f.class === 'immutable').map((f) => f.path);
      expect(immutable.filter((p) => /^main-[a-f0-9]{8}\.js$/.test(p))).toHaveLength(1);
      expect(immutable.filter((p) => /^system\/main-[a-f0-9]{8}\.js$/.test(p))).toHaveLength(1);
      expect(immutable.filter((p) => /lazy-[a-f0-9]{8}\.js$/.test(p))).toHaveLength(2);
      expect(manifest.files.find((f) => /^main-/.test(f.path))?.source).toMatch(
        /fixtures\/rollup\/src\/main\.js$/,
      );
      expect(manifest.assetsDir).toBe('');
      // Source maps are private unless publicSourceMaps: one per chunk, two chunks per output.
      const maps = manifest.files.filter((f) => f.path.endsWith('.map'));
      expect(maps).toHaveLength(4);
      for (const f of maps) {
        expect(f.class, f.path).toBe('private');
        expect(f.cacheControl, f.path).toBe('private, no-store');
      }
    } finally {
      await out.cleanup();
    }
  });

  test('two builds are byte-identical with the same release id', async () => {
    const [a, b] = await Promise.all([tempDir(), tempDir()]);
    try {
      await rollupBuild(a.dir);
      await rollupBuild(b.dir);
      const [ma, mb] = await Promise.all([readBuiltManifest(a.dir), readBuiltManifest(b.dir)]);
      expect(ma.files.length).toBeGreaterThanOrEqual(6);
      expect(ma.release).toBe(mb.release);
      expect(await allBytes(a.dir)).toEqual(await allBytes(b.dir));
      expect(await readFile(join(a.dir, MANIFEST_PATH), 'utf8')).toBe(
        await readFile(join(b.dir, MANIFEST_PATH), 'utf8'),
      );
    } finally {
      await Promise.all([a.cleanup(), b.cleanup()]);
    }
  });

  test('outputs into two directories fail with a fix', async () => {
    const out = await tempDir();
    try {
      await expect(
        rollupBuild(out.dir, {}, [{ format: 'es' }, { format: 'system', dir: join(out.dir, 'other') }]),
      ).rejects.toThrow(/\[skewless\] the outputs of this build are written to different directories/);
    } finally {
      await out.cleanup();
    }
  });
});

// Some apps let Vite's assetsDir be the folder their public files already live in (public/assets/…):
// the bundler's facts class its own files, the name rule classes the copied public ones.
describe.each(VITE_NAMES)('assetsDir shared with public files, %s', (vite) => {
  test('bundle files are immutable, an unhashed public file beside them revalidates', async () => {
    const out = await tempDir();
    try {
      const reported = await viteBuild(vite, { outDir: out.dir, fixture: 'shared-assets', sourcemap: false });
      const manifest = await readBuiltManifest(out.dir);
      await expectExactly(manifest, out.dir, await expectedFiles(reported, 'shared-assets'));
      const cls = Object.fromEntries(manifest.files.map((f) => [f.path, f.class]));
      expect(cls['assets/widget.js']).toBe('revalidate');
      expect(cls['assets/pinned-0a1b2c3d.js']).toBe('immutable');
      const bundled = manifest.files.filter((f) => /^assets\/(index|lazy)-[a-f0-9]{8}\.js$/.test(f.path));
      expect(bundled.map((f) => f.class)).toEqual(['immutable', 'immutable']);
      expect(manifest.files.find((f) => f.path === 'index.html')!.references).toContain('assets/widget.js');
    } finally {
      await out.cleanup();
    }
  });
});
