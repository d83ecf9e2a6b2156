// Measures what a user ships: the runtime as bundled from its entry, and the inline guard as rendered.
// Both minified with terser and gzipped with node:zlib (level 9); `pnpm --filter @skewless/runtime size`.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';
import { build } from 'tsup';
import { bundleGuard, URL_TOKEN } from './guard-bundle.mjs';

/** Budgets from issue 5, in bytes min+gzip. */
export const BUDGET = { runtime: 1024, guard: 512 };

const gzip = (text) => gzipSync(text, { level: 9 }).length;

/** @returns {Promise<{runtime: {min: number, gzip: number}, guard: {min: number, gzip: number}}>} */
export async function measure() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = await mkdtemp(join(tmpdir(), 'skewless-size-'));
  try {
    // `import '@skewless/runtime'`: install() with everything it pulls in, as one file.
    await build({
      entry: { index: join(root, 'src/index.ts') },
      outDir: out,
      format: ['esm'],
      target: 'es2020',
      platform: 'browser',
      splitting: false,
      dts: false,
      silent: true,
      config: false,
    });
    const bundled = await readFile(join(out, 'index.js'), 'utf8');
    const runtime = (await minify(bundled, { module: true, compress: { passes: 2 } })).code ?? '';
    const guard = (await bundleGuard()).replace(URL_TOKEN, 'void 0');
    return {
      runtime: { min: runtime.length, gzip: gzip(runtime) },
      guard: { min: guard.length, gzip: gzip(guard) },
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await measure();
  let over = false;
  for (const name of ['runtime', 'guard']) {
    const { min, gzip: gz } = sizes[name];
    const ok = gz <= BUDGET[name];
    over ||= !ok;
    process.stdout.write(
      `${name.padEnd(8)} ${String(min).padStart(5)} B min  ${String(gz).padStart(4)} B min+gzip  (budget ${BUDGET[name]} B) ${ok ? 'ok' : 'OVER'}\n`,
    );
  }
  if (over) {
    process.stderr.write(
      '[skewless] a size budget is exceeded: shrink src/ or raise the budget in scripts/size.mjs with a reason.\n',
    );
    process.exit(1);
  }
}
