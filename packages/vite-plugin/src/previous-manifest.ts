import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Manifest } from '@skewless/uploader';
import { diffManifests, parseManifest, SkewlessError } from '@skewless/uploader';

/** Load the previous release's manifest from a path (relative to `root`) or an http(s) URL. */
export async function loadPreviousManifest(where: string, root: string): Promise<Manifest> {
  if (/^https?:\/\//.test(where)) {
    let response: Response;
    try {
      response = await fetch(where, { headers: { 'cache-control': 'no-cache' } });
    } catch (error) {
      throw new SkewlessError(
        'UNREACHABLE',
        `cannot fetch previousManifest ${where}: ${(error as Error).message}. Check the URL, or remove the option for a first release.`,
        { cause: error },
      );
    }
    if (!response.ok)
      throw new SkewlessError(
        'UNREACHABLE',
        `previousManifest ${where} answered ${response.status}. Check the URL, or remove the option for a first release.`,
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
      `cannot read previousManifest ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Point it at the last release's .skewless/manifest.json, or remove the option for a first release.`,
      { cause: error },
    );
  }
  return parseManifest(text, path);
}

/** What changed since the previous release, and the names that break the immutability promise. */
export interface PreviousComparison {
  kept: number;
  added: number;
  removed: number;
  /** Immutable names whose bytes changed: a CDN would keep serving the old bytes forever. */
  conflicts: string[];
}

export function compareWithPrevious(previous: Manifest, current: Manifest): PreviousComparison {
  const diff = diffManifests(previous, current);
  return {
    kept: diff.kept.length,
    added: diff.onlyInB.length,
    removed: diff.onlyInA.length,
    // Only names promised as immutable on both sides: documents and public files change by design.
    conflicts: diff.changed
      .filter((c) => c.a.class === 'immutable' && c.b.class === 'immutable')
      .map((c) => c.path),
  };
}
