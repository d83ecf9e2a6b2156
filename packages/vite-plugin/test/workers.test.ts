import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { skewless } from '../src/index.js';
import { tempDir, VITE_NAMES, VITES } from './helpers/builders.js';
import { filesOnDisk, readBuiltManifest } from './helpers/manifest.js';

// Vite bundles workers in builds of their own, with none of the app's plugins: a module worker from
// `new URL(…, import.meta.url)` with a lazy chunk of its own, a `?worker` and a `?sharedworker` import.
const APP: Record<string, string> = {
  'index.html':
    '<!doctype html>\n<html><head><meta charset="utf-8"><title>workers</title></head>\n<body><script type="module" src="/src/main.js"></script></body></html>\n',
  'src/main.js': [
    'import Dedicated from "./dedicated.js?worker";',
    'import Shared from "./shared.js?sharedworker";',
    'const module = new Worker(new URL("./module.js", import.meta.url), { type: "module" });',
    'console.log(module, new Dedicated(), new Shared());',
    '',
  ].join('\n'),
  'src/module.js': [
    'import { helper } from "./helper.js";',
    'self.onmessage = async () => postMessage(helper() + (await import("./worker-lazy.js")).lazy);',
    '',
  ].join('\n'),
  'src/helper.js': 'export const helper = () => "helper";\n',
  'src/worker-lazy.js': 'export const lazy = "lazy";\n',
  'src/dedicated.js': 'import { helper } from "./helper.js";\npostMessage(helper());\n',
  'src/shared.js': 'onconnect = (event) => event.ports[0].postMessage("shared");\n',
};

async function buildApp(vite: string, root: string, worker: Record<string, unknown>): Promise<string> {
  for (const [path, text] of Object.entries(APP)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  const outDir = join(root, 'dist');
  await VITES[vite]!.build({
    root,
    configFile: false,
    logLevel: 'silent',
    // Code splitting in a worker needs ES workers (Vite's default, iife, refuses a worker's import()).
    worker: { format: 'es', ...worker },
    plugins: [skewless()],
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

describe.each(VITE_NAMES)('workers with %s', (vite) => {
  test.each([
    { name: "Vite's default worker names", worker: {}, folder: 'assets' },
    {
      name: 'worker names of your own',
      worker: { rollupOptions: { output: { entryFileNames: 'assets/workers/[name]-[hash].js' } } },
      folder: 'assets/workers',
    },
  ])(
    '$name: every worker file is hashed like the app, immutable and in the manifest',
    async ({ worker, folder }) => {
      const app = await tempDir('skewless-shapes-workers-');
      try {
        const out = await buildApp(vite, app.dir, worker);
        const manifest = await readBuiltManifest(out);
        expect(manifest.files.map((f) => f.path)).toEqual(await filesOnDisk(out));
        const byName = (stem: string, dir = 'assets') =>
          manifest.files.find((f) => new RegExp(`^${dir}/${stem}-[^/]+\\.js$`).test(f.path));
        const files = [
          byName('module', folder),
          byName('dedicated', folder),
          byName('shared', folder),
          // A chunk of the worker's own build, named by its chunkFileNames.
          byName('worker-lazy'),
        ];
        for (const file of files) {
          expect(file?.path).toMatch(/-[a-f0-9]{8}\.js$/);
          expect(file?.class, file?.path).toBe('immutable');
          expect(file?.cacheControl).toContain('immutable');
        }
        // The app and the module worker load them by these names.
        const entry = manifest.files.find((f) => /^assets\/index-[a-f0-9]{8}\.js$/.test(f.path))!;
        const code = await readFile(join(out, entry.path), 'utf8');
        for (const file of files.slice(0, 3)) expect(code).toContain(file!.path.split('/').pop());
        expect(await readFile(join(out, files[0]!.path), 'utf8')).toContain(files[3]!.path.split('/').pop());
      } finally {
        await app.cleanup();
      }
    },
  );
});

describe.each(VITE_NAMES)('worker names without [hash] with %s', (vite) => {
  test('fail the build before it runs, naming the option and the fix', async () => {
    const app = await tempDir('skewless-shapes-workers-');
    try {
      const worker = { rollupOptions: { output: { entryFileNames: 'assets/[name].js' } } };
      await expect(buildApp(vite, app.dir, worker)).rejects.toThrow(
        /worker\.rollupOptions\.output\.entryFileNames 'assets\/\[name\]\.js' has no \[hash\].*Use 'assets\/\[name\]-\[hash:8\]\.js'/,
      );
      expect(existsSync(join(app.dir, 'dist'))).toBe(false);
    } finally {
      await app.cleanup();
    }
  });
});
