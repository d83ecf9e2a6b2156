import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HashFormat, Manifest, ManifestDiff } from '@skewless/core';
import {
  createManifest,
  DETERMINISM_ENV,
  diffManifests,
  readManifest,
  SkewlessError,
  withoutHash,
} from '@skewless/core';

/** Where two versions of one file first differ. */
export interface DifferingRegion {
  /** The path in the first build. */
  path: string;
  /** The path in the second build, when its content hash gave it another name. */
  renamedTo?: string;
  /** Byte offset of the first difference. */
  offset: number;
  /** Text around the offset in each build (text files only). */
  a?: string;
  b?: string;
}

export interface CheckDeterminismOptions {
  /** Project root holding the Vite config and the `vite` dependency. */
  root: string;
  /** Config file, relative to `root`. @default Vite's lookup (vite.config.*) */
  configFile?: string;
  /** Vite mode. @default 'production' */
  mode?: string;
  /** A Vite module to build with instead of the project's own (tests). */
  vite?: { build: (config: Record<string, unknown>) => Promise<unknown> };
  /** Keep the two build directories for inspection. @default false */
  keep?: boolean;
}

export interface DeterminismReport {
  identical: boolean;
  diff: ManifestDiff;
  /**
   * The first differing region of each changed file, and of each file whose name differs only in its
   * hash (with hashed names, unstable bytes show up as new names, not as changed files).
   */
  regions: DifferingRegion[];
  /** The two build directories (deleted unless `keep`). */
  dirs: [string, string];
  /** Files compared. */
  files: number;
}

/**
 * Build the project twice with its own Vite into two temp directories and compare every output file.
 * Works with or without the Skewless plugin: each directory is read by `createManifest`.
 */
export async function checkDeterminism(options: CheckDeterminismOptions): Promise<DeterminismReport> {
  const root = resolve(options.root);
  if (!existsSync(root)) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `the project folder ${root} does not exist. Pass --root <the folder with vite.config and package.json>.`,
    );
  }
  const vite = options.vite ?? (await importProjectVite(root));
  const work = await mkdtemp(join(tmpdir(), 'skewless-determinism-'));
  const dirs: [string, string] = [join(work, 'a'), join(work, 'b')];
  const previous = process.env[DETERMINISM_ENV];
  process.env[DETERMINISM_ENV] = '1';
  try {
    for (const outDir of dirs) {
      await vite.build({
        root,
        configFile: options.configFile ? resolve(root, options.configFile) : undefined,
        mode: options.mode ?? 'production',
        logLevel: 'silent',
        build: { outDir, emptyOutDir: true },
      });
    }
    const [[a, hash], [b]] = await Promise.all([manifestOf(dirs[0]), manifestOf(dirs[1])]);
    // A framework that picks its own output folder (SvelteKit, React Router) ignores build.outDir:
    // two empty folders are "identical", which proves nothing.
    if (a.files.length === 0 || b.files.length === 0) {
      throw new SkewlessError(
        'INVALID_OPTIONS',
        `the builds wrote no file into the folder check-determinism gave them (build.outDir), so there is nothing to compare: the project's framework writes its output somewhere else. Build twice yourself and compare the deployed folders (e.g. 'diff -r'), or check a plain Vite project.`,
      );
    }
    const diff = diffManifests(a, b);
    const pairs = [
      ...diff.changed.map((c) => ({ a: c.path, b: c.path, type: c.a.contentType })),
      ...renamedPairs(a, b, diff, hash),
    ];
    const regions = await Promise.all(pairs.map((p) => firstDifference(p, dirs)));
    return { identical: diff.identical, diff, regions, dirs, files: a.files.length };
  } finally {
    if (previous === undefined) delete process.env[DETERMINISM_ENV];
    else process.env[DETERMINISM_ENV] = previous;
    if (!options.keep) await rm(work, { recursive: true, force: true });
  }
}

/** The directory's manifest, and the hash format its plugin manifest names (none without the plugin). */
async function manifestOf(dir: string): Promise<[Manifest, HashFormat | undefined]> {
  const computed = await createManifest({ dir });
  // The plugin's own manifest carries its release id; compare that one when there is one.
  const written = await readManifest(dir);
  return written ? [{ ...computed, release: written.release }, written.hash] : [computed, undefined];
}

/**
 * Files only in one build each whose names are equal once the hash is taken out (see
 * {@link withoutHash}), in the build's hash format when its manifest names one.
 */
export function renamedPairs(
  a: Manifest,
  b: Manifest,
  diff: ManifestDiff,
  hash?: HashFormat,
): { a: string; b: string; type: string }[] {
  const inB = new Map<string, string[]>();
  for (const path of diff.onlyInB) {
    const key = withoutHash(path, hash);
    if (key !== undefined) inB.set(key, [...(inB.get(key) ?? []), path]);
  }
  const types = new Map([...a.files, ...b.files].map((f) => [f.path, f.contentType]));
  const pairs: { a: string; b: string; type: string }[] = [];
  for (const path of diff.onlyInA) {
    const key = withoutHash(path, hash);
    const candidates = key === undefined ? undefined : inB.get(key);
    // Two files of B with one hashless name: which one is this file's is unknown, so pair neither.
    if (candidates?.length === 1) pairs.push({ a: path, b: candidates[0]!, type: types.get(path) ?? '' });
  }
  return pairs;
}

async function firstDifference(
  pair: { a: string; b: string; type: string },
  dirs: [string, string],
): Promise<DifferingRegion> {
  const [a, b] = await Promise.all([readFile(join(dirs[0], pair.a)), readFile(join(dirs[1], pair.b))]);
  let offset = 0;
  const end = Math.min(a.length, b.length);
  while (offset < end && a[offset] === b[offset]) offset++;
  const region: DifferingRegion = { path: pair.a, offset };
  if (pair.b !== pair.a) region.renamedTo = pair.b;
  if (/^text\/|javascript|json|svg|xml/.test(pair.type)) {
    const from = Math.max(0, offset - 40);
    region.a = a.subarray(from, offset + 40).toString('utf8');
    region.b = b.subarray(from, offset + 40).toString('utf8');
  }
  return region;
}

/** Import the `vite` the project itself depends on (ESM entry), not one bundled with Skewless. */
export async function importProjectVite(root: string): Promise<NonNullable<CheckDeterminismOptions['vite']>> {
  const require = createRequire(join(root, 'package.json'));
  let pkgPath: string;
  try {
    pkgPath = require.resolve('vite/package.json');
  } catch (error) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `cannot find 'vite' from ${root}. Install it there (npm i -D vite) or pass --root <project folder>.`,
      { cause: error },
    );
  }
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports?: unknown;
    module?: string;
    main?: string;
  };
  const entry =
    esmEntry((pkg.exports as Record<string, unknown> | undefined)?.['.']) ?? pkg.module ?? pkg.main;
  if (!entry)
    throw new SkewlessError('INVALID_OPTIONS', `cannot find the entry of ${pkgPath}. Reinstall vite.`);
  return import(pathToFileURL(join(dirname(pkgPath), entry)).href);
}

function esmEntry(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (!exp || typeof exp !== 'object') return undefined;
  const e = exp as Record<string, unknown>;
  return esmEntry(e.import) ?? esmEntry(e.node) ?? esmEntry(e.default);
}

/** Describe a report for people, one line per finding. */
export function describeDeterminism(report: DeterminismReport): string[] {
  const { diff } = report;
  if (report.identical)
    return [`the two builds are identical: ${report.files} files, release ${diff.release.a}.`];
  const lines = [
    `the two builds differ. Find what writes time, randomness or machine paths into the output (a plugin, a define, a banner) and make it stable.`,
  ];
  for (const p of diff.onlyInA) lines.push(`  only in the first build: ${p}`);
  for (const p of diff.onlyInB) lines.push(`  only in the second build: ${p}`);
  for (const r of report.regions) {
    const what = r.renamedTo ? `${r.path} → ${r.renamedTo} (same name, other hash)` : r.path;
    lines.push(`  different bytes: ${what} (from byte ${r.offset})`);
    if (r.a !== undefined)
      lines.push(`    first:  ${JSON.stringify(r.a)}`, `    second: ${JSON.stringify(r.b)}`);
  }
  if (diff.release.a !== diff.release.b) lines.push(`  release ids: ${diff.release.a} vs ${diff.release.b}`);
  return lines;
}
