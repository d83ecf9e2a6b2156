// Measures what a user ships: the runtime as bundled from its entry, and the inline guard as rendered (the
// general one, and the variant @skewless/vite puts into a framework's pages).
// Both minified with terser and gzipped with node:zlib (level 9); `pnpm --filter @skewless/runtime size`.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';
import { build } from 'tsup';
import { ASSETS_TOKEN, bundleGuard, URL_TOKEN } from './guard-bundle.mjs';

/**
 * Budgets in bytes min+gzip (README.md, the size table). `frameworkGuard` is in the pages of SvelteKit,
 * React Router framework mode and Astro only, which load their entry from inline scripts; plain Vite apps
 * keep the 512 B guard.
 */
export const BUDGET = { runtime: 1024, guard: 512, frameworkGuard: 640 };

const gzip = (text) => gzipSync(text, { level: 9 }).length;

/**
 * The release URL the guard is measured with. @skewless/vite fills in the real one from Vite's base, and an
 * absolute CDN base is the long case: the URL is a string literal in the guard, so measuring with `void 0`
 * (no URL) hid about 35 bytes min+gzip.
 */
export const MEASURED_RELEASE_URL = 'https://d1234abcd.cloudfront.net/my-app/v2/skewless.json';

/** The assets folder the guard is measured with: the same long CDN base, Vite's default `assetsDir`. */
export const MEASURED_ASSETS_URL = 'https://d1234abcd.cloudfront.net/my-app/v2/assets/';

/**
 * The optional entries, each measured together with the runtime it extends: [key, entry, label].
 * A user who imports one ships the runtime and it.
 */
export const OPTIONAL = [
  ['watch', 'src/watch-entry.ts', 'runtime + watch'],
  ['retry', 'src/retry-entry.ts', 'runtime + retry'],
  ['reloadTo', 'src/reload-to-entry.ts', 'runtime + reload-to'],
  ['vueRouter', 'src/vue-router-entry.ts', 'runtime + vue-router'],
  ['reactRouter', 'src/react-router-entry.ts', 'runtime + react-router'],
  ['update', 'src/update-entry.ts', 'runtime + update'],
];

/** @typedef {{min: number, gzip: number}} Size */
/**
 * @returns {Promise<Record<string, Size>>} runtime; guard and frameworkGuard: with MEASURED_RELEASE_URL; one per
 *   OPTIONAL key: the runtime with that entry
 */
export async function measure() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = await mkdtemp(join(tmpdir(), 'skewless-size-'));
  try {
    // `import '@skewless/runtime'`: install() with everything it pulls in, as one file.
    const withRuntime = async (name, entry) => {
      const file = join(out, `with-${name}.ts`);
      await writeFile(
        file,
        `export * from ${JSON.stringify(join(root, 'src/index.ts'))};\nexport * from ${JSON.stringify(join(root, entry))};\n`,
      );
      return file;
    };
    const entry = { index: join(root, 'src/index.ts') };
    for (const [name, file] of OPTIONAL) entry[name] = await withRuntime(name, file);
    await build({
      entry,
      outDir: out,
      format: ['esm'],
      target: 'es2020',
      platform: 'browser',
      splitting: false,
      dts: false,
      silent: true,
      config: false,
    });
    const measured = async (name) => {
      const code =
        (
          await minify(await readFile(join(out, `${name}.js`), 'utf8'), {
            module: true,
            compress: { passes: 2 },
          })
        ).code ?? '';
      return { min: code.length, gzip: gzip(code) };
    };
    // As renderGuard() writes it: a JSON string literal (the URL holds no `<` to escape).
    const rendered = async (framework) =>
      (await bundleGuard({ framework }))
        .replace(URL_TOKEN, () => JSON.stringify(MEASURED_RELEASE_URL))
        .replace(ASSETS_TOKEN, () => JSON.stringify(MEASURED_ASSETS_URL));
    const guard = await rendered(false);
    const frameworkGuard = await rendered(true);
    /** @type {Record<string, Size>} */
    const sizes = {
      runtime: await measured('index'),
      guard: { min: guard.length, gzip: gzip(guard) },
      frameworkGuard: { min: frameworkGuard.length, gzip: gzip(frameworkGuard) },
    };
    for (const [name] of OPTIONAL) sizes[name] = await measured(name);
    return sizes;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await measure();
  let over = false;
  for (const [name, label] of [
    ['runtime', 'runtime'],
    ['guard', 'guard, CDN URL'],
    ['frameworkGuard', 'framework guard, CDN'],
    ...OPTIONAL.map(([key, , text]) => [key, text]),
  ]) {
    const { min, gzip: gz } = sizes[name];
    const ok = !(name in BUDGET) || gz <= BUDGET[name];
    over ||= !ok;
    process.stdout.write(
      `${label.padEnd(22)} ${String(min).padStart(5)} B min  ${String(gz).padStart(4)} B min+gzip  ${name in BUDGET ? `(budget ${BUDGET[name]} B)` : '(optional, no budget)'} ${ok ? 'ok' : 'OVER'}\n`,
    );
  }
  if (over) {
    process.stderr.write(
      '[skewless] a size budget is exceeded: shrink src/ or raise the budget in scripts/size.mjs with a reason.\n',
    );
    process.exit(1);
  }
}
