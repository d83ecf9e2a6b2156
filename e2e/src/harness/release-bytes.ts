import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Count responses whose bytes are not the bytes of `dir` (the release the page asked for) at the
 * URL's path; the query string is ignored, as the naive origins ignore it. A file the release does
 * not have counts as wrong too: the bytes came from another release.
 */
export async function wrongBytes(dir: string, bodies: ReadonlyMap<string, Buffer>): Promise<string[]> {
  const wrong: string[] = [];
  for (const [url, body] of bodies) {
    const path = url.replace(/[?#].*$/, '');
    const expected = await readFile(join(dir, path)).catch(() => undefined);
    if (!expected?.equals(body)) wrong.push(url);
  }
  return wrong;
}

/** The `/assets/…` URLs (with their query) an HTML document references. */
export function assetUrls(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
}
