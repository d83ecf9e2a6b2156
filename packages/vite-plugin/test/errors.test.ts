import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Manifest } from '@skewless/core';
import { MANIFEST_PATH } from '@skewless/core';
import type { Plugin as RollupPlugin } from 'rollup';
import { rollup } from 'rollup';
import { describe, expect, test } from 'vitest';
import type { SkewlessOptions } from '../src/index.js';
import { skewless, validateOptions } from '../src/index.js';
import { FIXTURES, rollupBuild, tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';
import { readBuiltManifest } from './helpers/manifest.js';

const NO_HASH =
  /\[skewless\] output\.entryFileNames '\[name\]\.js' has no \[hash\].*Use '\[name\]-\[hash:8\]\.js', or list the file in the 'unhashed' option\./s;

describe.each(VITE_NAMES)('build errors with %s', (vite) => {
  test("entryFileNames '[name].js' fails the build with the option and the fix", async () => {
    const out = await tempDir();
    try {
      await expect(
        viteBuild(vite, { outDir: out.dir, rollupOptions: { output: { entryFileNames: '[name].js' } } }),
      ).rejects.toThrow(NO_HASH);
    } finally {
      await out.cleanup();
    }
  });

  test('a function-form name without [hash] is caught on the emitted names', async () => {
    const out = await tempDir();
    try {
      await expect(
        viteBuild(vite, {
          outDir: out.dir,
          rollupOptions: { output: { chunkFileNames: () => 'chunks/[name].js' } },
        }),
      ).rejects.toThrow(
        /output\.chunkFileNames 'chunks\/\[name\]\.js' has no \[hash\], so 'chunks\/lazy\.js'/,
      );
    } finally {
      await out.cleanup();
    }
  });

  test('a user pattern with [hash] keeps its shape and gets the configured length', async () => {
    const out = await tempDir();
    const warnings: string[] = [];
    const onwarn = (w: { message: string }) => {
      warnings.push(w.message);
    };
    try {
      await viteBuild(vite, {
        outDir: out.dir,
        skewless: { hashLength: 12 },
        rollupOptions: { output: { chunkFileNames: 'js/[name].[hash].js' }, onwarn },
      });
      const manifest = await readBuiltManifest(out.dir);
      const lazy = manifest.files.find((f) => f.path.startsWith('js/lazy.'));
      expect(lazy?.path).toMatch(/^js\/lazy\.[a-f0-9]{12}\.js$/);
      expect(lazy?.class).toBe('immutable');
      // '.<hash>.' is not the '-<hash>.' shape the generated CDN rules match: a warning says so.
      expect(warnings.join('\n')).toMatch(
        /\[skewless\] 'js\/lazy\.[a-f0-9]{12}\.js' carry a hash but not in the '-<hash>\.' form/,
      );
    } finally {
      await out.cleanup();
    }
  });

  test('previousManifest: a name that now maps to other bytes fails the build; the same build passes', async () => {
    const out = await tempDir();
    const server = createServer();
    try {
      const dir = join(out.dir, 'dist');
      await viteBuild(vite, { outDir: dir });
      const previous = await readBuiltManifest(dir);
      await mkdir(join(out.dir, 'prev'));
      const same = join(out.dir, 'prev', 'same.json');
      await copyFile(join(dir, MANIFEST_PATH), same);

      // The same sources over HTTP: every name kept, the build passes.
      server.on('request', async (_req, res) => res.end(await readFile(same)));
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/manifest.json`;
      await viteBuild(vite, { outDir: dir, skewless: { previousManifest: url } });

      // A previous release that held other bytes under one of today's immutable names.
      const victim = previous.files.find((f) => f.class === 'immutable')!;
      const tampered: Manifest = {
        ...previous,
        files: previous.files.map((f) => (f === victim ? { ...f, sha256: '0'.repeat(64) } : f)),
      };
      const tamperedPath = join(out.dir, 'prev', 'tampered.json');
      await writeFile(tamperedPath, JSON.stringify(tampered));
      await expect(
        viteBuild(vite, { outDir: dir, skewless: { previousManifest: tamperedPath } }),
      ).rejects.toThrow(
        new RegExp(
          `\\[skewless\\] these names now map to different bytes.*${victim.path.replace('.', '\\.')}`,
        ),
      );
    } finally {
      server.close();
      await out.cleanup();
    }
  });
});

describe('build errors with plain Rollup 4', () => {
  test("entryFileNames '[name].js' fails the build", async () => {
    const out = await tempDir();
    try {
      await expect(rollupBuild(out.dir, {}, [{ format: 'es', entryFileNames: '[name].js' }])).rejects.toThrow(
        NO_HASH,
      );
    } finally {
      await out.cleanup();
    }
  });

  test("an entry listed in 'unhashed' may keep its name, and is classed document", async () => {
    const out = await tempDir();
    try {
      await rollupBuild(out.dir, { unhashed: ['main.js'] }, [{ format: 'es', entryFileNames: '[name].js' }]);
      const manifest = await readBuiltManifest(out.dir);
      expect(manifest.files.find((f) => f.path === 'main.js')?.class).toBe('document');
      expect(manifest.files.find((f) => /^lazy-[a-f0-9]{8}\.js$/.test(f.path))?.class).toBe('immutable');
    } finally {
      await out.cleanup();
    }
  });

  test('an entry named as a control file (a federation remoteEntry.js) needs no hash, and is classed document', async () => {
    const out = await tempDir();
    try {
      await rollupBuild(out.dir, {}, [{ format: 'es', entryFileNames: 'remoteEntry.js' }]);
      const manifest = await readBuiltManifest(out.dir);
      expect(manifest.files.find((f) => f.path === 'remoteEntry.js')).toMatchObject({
        class: 'document',
        cacheControl: 'no-cache',
      });
      expect(manifest.files.find((f) => /^lazy-[a-f0-9]{8}\.js$/.test(f.path))?.class).toBe('immutable');
    } finally {
      await out.cleanup();
    }
  });

  test('two different contents under one name across outputs fail the build', async () => {
    const out = await tempDir();
    try {
      await expect(
        rollupBuild(out.dir, { unhashed: ['main.js'] }, [
          { format: 'es', entryFileNames: '[name].js' },
          { format: 'system', entryFileNames: '[name].js' },
        ]),
      ).rejects.toThrow(/\[skewless\] two different contents are written as 'main\.js'/);
    } finally {
      await out.cleanup();
    }
  });

  test('two outputs that differ only in case fail the build', async () => {
    const out = await tempDir();
    const twins: RollupPlugin = {
      name: 'test:case-twins',
      buildStart() {
        this.emitFile({ type: 'asset', fileName: 'Notes.txt', source: 'a' });
        this.emitFile({ type: 'asset', fileName: 'notes.txt', source: 'b' });
      },
    };
    try {
      const bundle = await rollup({
        input: join(FIXTURES, 'rollup', 'src', 'main.js'),
        plugins: [twins, skewless() as unknown as RollupPlugin],
        logLevel: 'silent',
      });
      await expect(bundle.write({ dir: out.dir })).rejects.toThrow(
        /\[skewless\] '(notes|Notes)\.txt' and '(Notes|notes)\.txt' differ only in case/,
      );
      await bundle.close();
    } finally {
      await out.cleanup();
    }
  });
});

test('validateOptions reports every problem at once, each with its fix', () => {
  let message = '';
  try {
    validateOptions({
      hashLength: 4,
      hashCharacters: 'base36',
      unhashed: ['/sw.js'],
      upload: { to: 'ftp://x' },
      hashLenght: 8,
    } as unknown as SkewlessOptions);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/^\[skewless\] invalid skewless\(\) options:/);
  expect(message).toContain("'hashLength' must be an integer from 8 to 21 (got 4)");
  expect(message).toContain("'hashCharacters' must be 'hex' or 'base64'");
  expect(message).toContain("'unhashed' entry '/sw.js' must be relative to the output directory");
  expect(message).toContain("'upload.to' must start with s3://<bucket> or file:///");
  expect(message).toContain("unknown option 'hashLenght'");
  expect(() => skewless({ hashLength: 22 })).toThrow(
    /'hashLength' must be an integer from 8 to 21 \(got 22\)/,
  );
});
