import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HashFormat, Manifest, ManifestDiff } from '@skewless/core';
import {
  contentTypeFor,
  createManifest,
  diffManifests,
  readManifest,
  SkewlessError,
  withoutHash,
} from '@skewless/core';
import { isolatedCopy } from './isolated-copy.js';
import type { TreeChanges } from './tree-snapshot.js';
import { changesBetween, sha256Of, snapshotTree } from './tree-snapshot.js';
import { buildInChild } from './vite-child.js';

/** Where two versions of one file first differ. */
export interface DifferingRegion {
  /** The path in the first build. */
  path: string;
  /** The path in the second build, when its content hash gave it another name. */
  renamedTo?: string;
  /** The build wrote this file outside outDir; the path is relative to the project root. */
  outside?: boolean;
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
  /**
   * The folder (or package.json) of a Vite package to build with instead of the project's own, e.g.
   * one Vite major of several in a test.
   * @default the `vite` the project resolves
   */
  vite?: string;
  /** Keep the two build directories and the project copies they were built in. @default false */
  keep?: boolean;
  /**
   * Build with this command instead of Vite's `build()`: a framework that builds through its own CLI
   * (`react-router build`, `astro build`) or writes its deployed folder itself. It runs through the
   * shell in each copy, and every file it writes there is compared.
   * @default Vite's build() with the config
   */
  command?: string;
}

/** How files written outside outDir, inside the project's copy, differ between the two builds. */
export interface OutsideDiff {
  /** Paths (relative to the project root) only the first build wrote. */
  onlyInA: string[];
  /** Paths only the second build wrote. */
  onlyInB: string[];
  /** Paths both builds wrote with the same bytes. */
  kept: string[];
  /** Paths both builds wrote with different bytes. */
  changed: string[];
  /** Files of the project each build deleted. */
  removed: { a: string[]; b: string[] };
}

/** A file of one build that has no counterpart in the other, not by path nor by its name without hash. */
export interface UncomparedFile {
  path: string;
  /** Written outside outDir: the path is relative to the project root, not to outDir. */
  outside: boolean;
}

export interface DeterminismReport {
  identical: boolean;
  /** The files in outDir. */
  diff: ManifestDiff;
  /** The files the build wrote outside outDir, inside the project (a service worker into public/). */
  outside: OutsideDiff;
  /**
   * The first differing region of each changed file, and of each file whose name differs only in its
   * hash (with hashed names, unstable bytes show up as new names, not as changed files).
   */
  regions: DifferingRegion[];
  /** The two build directories (deleted unless `keep`). */
  dirs: [string, string];
  /** The build command, when the builds ran one instead of Vite's build(). */
  command?: string;
  /** The two copies of the project the builds ran in (deleted unless `keep`). */
  copies: [string, string];
  /** Files the first build produced: in outDir and written outside it. */
  files: number;
  /** How the first build's {@link files} were compared: `same + different + uncompared === files`. */
  counts: {
    files: number;
    inOutDir: number;
    outside: number;
    /** Files with the same name and bytes in both builds. */
    same: number;
    /** Files with other bytes in the second build, under the same name or the same name but the hash. */
    different: number;
    /** Files with no counterpart in the second build: they could not be compared. */
    uncompared: number;
  };
  /** The files of each build that could not be compared, having no counterpart in the other. */
  uncompared: { a: UncomparedFile[]; b: UncomparedFile[] };
}

/**
 * Build the project twice with its own Vite, each time in a fresh copy of the project (see
 * {@link isolatedCopy}) and in a child process, and compare every file each build produced: those in
 * outDir (read by `createManifest`, so with or without the Skewless plugin) and those it wrote
 * anywhere else in the copy. The project itself is never written to.
 */
export async function checkDeterminism(options: CheckDeterminismOptions): Promise<DeterminismReport> {
  const root = resolve(options.root);
  if (!existsSync(root)) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `the project folder ${root} does not exist. Pass --root <the folder with vite.config and package.json>.`,
    );
  }
  const vite = pathToFileURL(options.vite ? viteEntry(options.vite) : projectViteEntry(root)).href;
  const work = await mkdtemp(join(tmpdir(), 'skewless-determinism-'));
  const dirs: [string, string] = [join(work, 'out-a'), join(work, 'out-b')];
  const copies: string[] = [];
  const changes: TreeChanges[] = [];
  try {
    for (const [i, outDir] of dirs.entries()) {
      const copy = await isolatedCopy(root, join(work, i === 0 ? 'copy-a' : 'copy-b'));
      copies.push(copy.root);
      const before = await snapshotTree(copy.top);
      await buildInChild({
        vite,
        root: copy.root,
        configFile: options.configFile ? copy.map(resolve(root, options.configFile)) : undefined,
        mode: options.mode ?? 'production',
        outDir,
        command: options.command,
      });
      // A command writes where its framework does: the folder given to Vite stays empty.
      await mkdir(outDir, { recursive: true });
      changes.push(changesBetween(before, await snapshotTree(copy.top)));
      // Paths relative to the project, '../' for a file written into an ancestor level of the copy.
      const toProject = (path: string) => relative(copy.root, join(copy.top, path)).split(sep).join('/');
      changes[i] = {
        written: changes[i]!.written.map(toProject),
        removed: changes[i]!.removed.map(toProject),
      };
    }
    const pair = copies as [string, string];
    const [[a, hash], [b]] = await Promise.all([manifestOf(dirs[0]), manifestOf(dirs[1])]);
    const [ca, cb] = changes as [TreeChanges, TreeChanges];
    if (
      (a.files.length === 0 && ca.written.length === 0) ||
      (b.files.length === 0 && cb.written.length === 0)
    ) {
      throw new SkewlessError(
        'INVALID_OPTIONS',
        options.command
          ? `'${options.command}' wrote no file in the copy of the project, so there is nothing to compare. Check that --root is the project's folder and that the command builds it.`
          : `the builds wrote no file, neither into the folder check-determinism gave them (build.outDir) nor anywhere in the copy of the project, so there is nothing to compare. Check that --root is the project's folder and --config its Vite config ('vite build' there must write files).`,
      );
    }
    const diff = diffManifests(a, b);
    const outside = await diffOutside(ca, cb, pair);
    const outsideFiles = (paths: string[]) => ({
      files: paths.map((path) => ({ path, contentType: contentTypeFor(path) })),
    });
    const renamed = renamedPairs(a, b, diff, hash);
    const renamedOutside = renamedPairs(outsideFiles(ca.written), outsideFiles(cb.written), outside, hash);
    const regions = await Promise.all([
      ...diff.changed.map((c) => firstDifference({ a: c.path, b: c.path, type: c.a.contentType }, dirs)),
      ...renamed.map((p) => firstDifference(p, dirs)),
      ...outside.changed.map((path) =>
        firstDifference({ a: path, b: path, type: contentTypeFor(path), outside: true }, pair),
      ),
      ...renamedOutside.map((p) => firstDifference({ ...p, outside: true }, pair)),
    ]);
    const pairedA = new Set([...renamed, ...renamedOutside].map((p) => p.a));
    const pairedB = new Set([...renamed, ...renamedOutside].map((p) => p.b));
    const uncompared = {
      a: [
        ...diff.onlyInA.filter((p) => !pairedA.has(p)).map((path) => ({ path, outside: false })),
        ...outside.onlyInA.filter((p) => !pairedA.has(p)).map((path) => ({ path, outside: true })),
      ],
      b: [
        ...diff.onlyInB.filter((p) => !pairedB.has(p)).map((path) => ({ path, outside: false })),
        ...outside.onlyInB.filter((p) => !pairedB.has(p)).map((path) => ({ path, outside: true })),
      ],
    };
    const files = a.files.length + ca.written.length;
    const counts = {
      files,
      inOutDir: a.files.length,
      outside: ca.written.length,
      same: diff.kept.length + outside.kept.length,
      different: regions.length,
      uncompared: uncompared.a.length,
    };
    const identical =
      diff.identical &&
      outside.onlyInA.length + outside.onlyInB.length + outside.changed.length === 0 &&
      outside.removed.a.join('\n') === outside.removed.b.join('\n');
    return {
      identical,
      diff,
      outside,
      regions,
      dirs,
      ...(options.command ? { command: options.command } : {}),
      copies: pair,
      files,
      counts,
      uncompared,
    };
  } finally {
    if (!options.keep) await rm(work, { recursive: true, force: true });
  }
}

/** Compare what two builds wrote outside outDir, each in its own copy of the project. */
async function diffOutside(a: TreeChanges, b: TreeChanges, copies: [string, string]): Promise<OutsideDiff> {
  const inB = new Set(b.written);
  const diff: OutsideDiff = {
    onlyInA: a.written.filter((p) => !inB.has(p)),
    onlyInB: b.written.filter((p) => !a.written.includes(p)),
    kept: [],
    changed: [],
    removed: { a: a.removed, b: b.removed },
  };
  for (const path of a.written.filter((p) => inB.has(p))) {
    const [ha, hb] = await Promise.all(copies.map((c) => sha256Of(join(c, path))));
    (ha === hb ? diff.kept : diff.changed).push(path);
  }
  return diff;
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
  a: { files: readonly { path: string; contentType: string }[] },
  b: { files: readonly { path: string; contentType: string }[] },
  diff: Pick<ManifestDiff, 'onlyInA' | 'onlyInB'>,
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
  pair: { a: string; b: string; type: string; outside?: boolean },
  dirs: [string, string],
): Promise<DifferingRegion> {
  const [a, b] = await Promise.all([readFile(join(dirs[0], pair.a)), readFile(join(dirs[1], pair.b))]);
  let offset = 0;
  const end = Math.min(a.length, b.length);
  while (offset < end && a[offset] === b[offset]) offset++;
  const region: DifferingRegion = { path: pair.a, offset };
  if (pair.b !== pair.a) region.renamedTo = pair.b;
  if (pair.outside) region.outside = true;
  if (/^text\/|javascript|json|svg|xml/.test(pair.type)) {
    const from = Math.max(0, offset - 40);
    region.a = a.subarray(from, offset + 40).toString('utf8');
    region.b = b.subarray(from, offset + 40).toString('utf8');
  }
  return region;
}

/** Import the `vite` the project itself depends on (ESM entry), not one bundled with Skewless. */
export async function importProjectVite(
  root: string,
): Promise<{ build: (config: Record<string, unknown>) => Promise<unknown> }> {
  return import(pathToFileURL(projectViteEntry(root)).href);
}

/** The ESM entry of the `vite` the project resolves from `root`. */
function projectViteEntry(root: string): string {
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
  return viteEntry(pkgPath);
}

/** The ESM entry of the Vite package at `path` (its folder or its package.json). */
function viteEntry(path: string): string {
  const pkgPath = path.endsWith('package.json') ? path : join(path, 'package.json');
  let pkg: { exports?: unknown; module?: string; main?: string };
  try {
    pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  } catch (error) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `cannot read ${pkgPath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Pass the folder of an installed vite package.`,
      { cause: error },
    );
  }
  // `exports` is either the entry itself or a map whose '.' is.
  const dot = typeof pkg.exports === 'string' ? pkg.exports : (pkg.exports as Record<string, unknown>)?.['.'];
  const entry = esmEntry(dot) ?? pkg.module ?? pkg.main;
  if (!entry)
    throw new SkewlessError('INVALID_OPTIONS', `cannot find the entry of ${pkgPath}. Reinstall vite.`);
  return join(dirname(pkgPath), entry);
}

function esmEntry(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (!exp || typeof exp !== 'object') return undefined;
  const e = exp as Record<string, unknown>;
  return esmEntry(e.import) ?? esmEntry(e.node) ?? esmEntry(e.default);
}

/** Describe a report for people, one line per finding. */
export function describeDeterminism(report: DeterminismReport): string[] {
  const { diff, outside, counts } = report;
  const where = report.command
    ? `${counts.files} files written by '${report.command}'`
    : counts.outside === 0
      ? `${counts.files} files in outDir`
      : `${counts.files} files (${counts.inOutDir} in outDir, ${counts.outside} written outside it)`;
  const written = [...outside.kept, ...outside.changed, ...outside.onlyInA].sort();
  const writtenLines = written.map((p) => `  written outside outDir: ${p}`);
  const removedLines = outside.removed.a.map(
    (p) => `  deleted by the build: ${p} (in the copy only; a real build deletes it from the project)`,
  );
  if (report.identical)
    return [
      `the two builds are identical: ${where}, release ${diff.release.a}.`,
      ...writtenLines,
      ...removedLines,
    ];
  const lines = [
    `the two builds differ. Find what writes time, randomness or machine paths into the output (a plugin, a define, a banner) and make it stable.`,
    `  ${where} in the first build: ${counts.same} the same in the second, ${counts.different} with other bytes, ${counts.uncompared} not compared`,
    ...writtenLines,
    ...removedLines,
  ];
  for (const r of report.regions) {
    const what = r.renamedTo ? `${r.path} → ${r.renamedTo} (same name, other hash)` : r.path;
    const label = r.outside ? 'different bytes (written outside outDir)' : 'different bytes';
    lines.push(`  ${label}: ${what} (from byte ${r.offset})`);
    if (r.a !== undefined)
      lines.push(`    first:  ${JSON.stringify(r.a)}`, `    second: ${JSON.stringify(r.b)}`);
  }
  const uncompared = (f: UncomparedFile) => (f.outside ? `${f.path} (written outside outDir)` : f.path);
  for (const f of report.uncompared.a)
    lines.push(
      `  only in the first build, not compared (no file of the second has its name, with or without the hash): ${uncompared(f)}`,
    );
  for (const f of report.uncompared.b)
    lines.push(`  only in the second build, not compared: ${uncompared(f)}`);
  if (outside.removed.a.join('\n') !== outside.removed.b.join('\n'))
    lines.push(
      `  deleted by one build only: ${[...outside.removed.a, ...outside.removed.b].filter((p) => !outside.removed.a.includes(p) || !outside.removed.b.includes(p)).join(', ')}`,
    );
  if (diff.release.a !== diff.release.b) lines.push(`  release ids: ${diff.release.a} vs ${diff.release.b}`);
  return lines;
}
