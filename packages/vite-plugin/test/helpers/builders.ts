import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Plugin as RollupPlugin } from 'rollup';
import { rollup } from 'rollup';
import * as vite5 from 'vite5';
import * as vite6 from 'vite6';
import * as vite7 from 'vite7';
import * as vite8 from 'vite8';
import { skewless } from '../../src/index.js';
import type { SkewlessOptions } from '../../src/types.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

// biome-ignore lint/suspicious/noExplicitAny: the Vite majors have incompatible config types.
type ViteModule = { build: (config: any) => Promise<unknown> };

/** Every Vite major the plugin supports, side by side (npm aliases): Rollup 4 up to 7, Rolldown in 8. */
export const VITES: Record<string, ViteModule> = { vite5, vite6, vite7, vite8 };

/** Their names, for `describe.each`. */
export const VITE_NAMES = Object.keys(VITES);

/** The package folder of each, for what builds in another process (`checkDeterminism({ vite })`). */
export const VITE_DIRS: Record<string, string> = Object.fromEntries(
  VITE_NAMES.map((name) => [name, dirname(createRequire(import.meta.url).resolve(`${name}/package.json`))]),
);

export interface ViteBuildOptions {
  fixture?: string;
  outDir: string;
  skewless?: SkewlessOptions;
  base?: string;
  assetsDir?: string;
  ssr?: string;
  /** Extra build.rollupOptions (aliased to rolldownOptions by Vite 8). */
  // biome-ignore lint/suspicious/noExplicitAny: passed through to the bundler.
  rollupOptions?: any;
  plugins?: unknown[];
  /** Plugins placed after skewless(), whose hooks run after the plugin's own. */
  after?: unknown[];
  sourcemap?: boolean;
  /** Vite's build.manifest (writes .vite/manifest.json). @default false */
  manifest?: boolean;
  /** Vite's customLogger, e.g. {@link captureLogger}'s; without it the build logs nothing. */
  logger?: unknown;
  /** Vite's `publicDir` (`false`: none). @default the fixture's `public/` */
  publicDir?: string | false;
  /** Vite's `html` options, e.g. `{ cspNonce }` (Vite 5.3+). */
  html?: { cspNonce?: string };
  /** More `build` options, e.g. Vite 8's `{ chunkImportMap: true }`. */
  build?: Record<string, unknown>;
}

/** A Vite logger that keeps every info and warning line, for tests that read what the build reports. */
export function captureLogger(): { logger: unknown; info: string[]; warn: string[] } {
  const info: string[] = [];
  const warn: string[] = [];
  const logger = {
    info: (m: string) => info.push(m),
    warn: (m: string) => warn.push(m),
    warnOnce: (m: string) => warn.push(m),
    error: () => {},
    clearScreen: () => {},
    hasErrorLogged: () => false,
    hasWarned: false,
  };
  return { logger, info, warn };
}

/** One output of a Rollup / Rolldown / Vite build result, as far as the tests read it. */
interface BuildOutput {
  output: readonly { fileName: string }[];
}

/** The file names the bundler says it wrote, over every output, sorted and without repeats. */
export function reportedFiles(result: unknown): string[] {
  const outputs = (Array.isArray(result) ? result : [result]) as BuildOutput[];
  return [...new Set(outputs.flatMap((o) => o.output.map((e) => e.fileName)))].sort();
}

/**
 * Build a fixture with one Vite major, silently, into `outDir`; returns the file names the bundler
 * reports (see {@link reportedFiles}).
 */
export async function viteBuild(name: string, o: ViteBuildOptions): Promise<string[]> {
  const vite = VITES[name]!;
  const result = await vite.build({
    root: join(FIXTURES, o.fixture ?? 'app'),
    configFile: false,
    logLevel: 'silent',
    customLogger: o.logger,
    base: o.base ?? '/',
    html: o.html,
    publicDir: o.publicDir,
    plugins: [...(o.plugins ?? []), skewless(o.skewless), ...(o.after ?? [])],
    build: {
      outDir: o.outDir,
      emptyOutDir: true,
      assetsDir: o.assetsDir ?? 'assets',
      // The 1×1 PNG must be a file, not inlined, to test asset names.
      assetsInlineLimit: 0,
      sourcemap: o.sourcemap ?? true,
      manifest: o.manifest ?? false,
      ssr: o.ssr,
      rollupOptions: o.rollupOptions,
      ...o.build,
    },
  });
  return reportedFiles(result);
}

/** A test plugin emitting one asset, so plain Rollup builds exercise assetFileNames too. */
export function emitAsset(): RollupPlugin {
  return {
    name: 'test:emit-asset',
    buildStart() {
      this.emitFile({ type: 'asset', name: 'data.txt', source: 'some data\n' });
    },
  };
}

/**
 * Build the Rollup fixture with plain Rollup 4 (no Vite), writing every output, then close; returns
 * the file names Rollup reports over all outputs.
 */
export async function rollupBuild(
  outDir: string,
  skewlessOptions: SkewlessOptions = {},
  // biome-ignore lint/suspicious/noExplicitAny: Rollup output options.
  outputs: any[] = [{ format: 'es' }],
  after: RollupPlugin[] = [],
): Promise<string[]> {
  const bundle = await rollup({
    input: join(FIXTURES, 'rollup', 'src', 'main.js'),
    plugins: [emitAsset(), skewless(skewlessOptions) as unknown as RollupPlugin, ...after],
    logLevel: 'silent',
  });
  const results = [];
  try {
    for (const output of outputs)
      results.push(await bundle.write({ dir: outDir, sourcemap: true, ...output }));
  } finally {
    await bundle.close();
  }
  return reportedFiles(results);
}

/** A fresh temp directory, removed by the returned cleanup. */
export async function tempDir(
  prefix = 'skewless-vite-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
