import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SkewlessError } from './errors.js';
import { parseManifest } from './manifest.js';
import type { Manifest, ManifestFile } from './types.js';

/** How two manifests differ. */
export interface ManifestDiff {
  /** Paths only in the first manifest. */
  onlyInA: string[];
  /** Paths only in the second manifest. */
  onlyInB: string[];
  /** Paths in both with the same bytes. */
  kept: string[];
  /** Paths in both whose bytes differ. */
  changed: { path: string; a: ManifestFile; b: ManifestFile }[];
  /** The two release ids. */
  release: { a: string; b: string };
  /** True when nothing above differs. */
  identical: boolean;
}

/** Compare two manifests file by file (by path and SHA-256) and by release id. */
export function diffManifests(a: Manifest, b: Manifest): ManifestDiff {
  const inA = new Map(a.files.map((f) => [f.path, f]));
  const inB = new Map(b.files.map((f) => [f.path, f]));
  const diff: ManifestDiff = {
    onlyInA: a.files.filter((f) => !inB.has(f.path)).map((f) => f.path),
    onlyInB: b.files.filter((f) => !inA.has(f.path)).map((f) => f.path),
    kept: [],
    changed: [],
    release: { a: a.release, b: b.release },
    identical: false,
  };
  for (const fa of a.files) {
    const fb = inB.get(fa.path);
    if (!fb) continue;
    if (fa.sha256 === fb.sha256) diff.kept.push(fa.path);
    else diff.changed.push({ path: fa.path, a: fa, b: fb });
  }
  diff.identical =
    diff.onlyInA.length === 0 &&
    diff.onlyInB.length === 0 &&
    diff.changed.length === 0 &&
    a.release === b.release;
  return diff;
}

/** What changed since a previous release, and the names that break the immutability promise. */
export interface ReleaseComparison {
  /** Files with the same name and bytes in both releases. */
  kept: number;
  /**
   * Names in both releases whose bytes changed, not counting {@link conflicts}: documents and public
   * files (index.html, robots.txt), which revalidate, so a change under one name is expected.
   */
  changed: number;
  /** Names only in the new release. */
  added: number;
  /** Names only in the previous release. */
  removed: number;
  /** Names `immutable` in both releases whose bytes changed: a CDN would serve the old bytes forever. */
  conflicts: string[];
}

/** Compare a new build's manifest with the previous release's. */
export function compareWithPrevious(previous: Manifest, current: Manifest): ReleaseComparison {
  const diff = diffManifests(previous, current);
  // Only names promised as immutable on both sides: documents and public files change by design.
  const conflicts = diff.changed
    .filter((c) => c.a.class === 'immutable' && c.b.class === 'immutable')
    .map((c) => c.path);
  return {
    kept: diff.kept.length,
    changed: diff.changed.length - conflicts.length,
    added: diff.onlyInB.length,
    removed: diff.onlyInA.length,
    conflicts,
  };
}

/** Load a manifest from a path (relative to `root`) or an http(s) URL, e.g. the previous release's. */
export async function loadManifest(where: string, root: string): Promise<Manifest> {
  if (/^https?:\/\//.test(where)) {
    let response: Response;
    try {
      response = await fetch(where, { headers: { 'cache-control': 'no-cache' } });
    } catch (error) {
      throw new SkewlessError(
        'UNREACHABLE',
        `cannot fetch the manifest ${where}: ${(error as Error).message}. Check the URL, or leave out the previous manifest for a first release.`,
        { cause: error },
      );
    }
    if (!response.ok)
      throw new SkewlessError(
        'UNREACHABLE',
        `the manifest ${where} answered ${response.status}. Check the URL, or leave out the previous manifest for a first release.`,
      );
    return parseManifest(await response.text(), where);
  }
  const path = resolve(root, where);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `cannot read the manifest ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Point it at the last release's .skewless/manifest.json, or leave it out for a first release.`,
      { cause: error },
    );
  }
  return parseManifest(text, path);
}
