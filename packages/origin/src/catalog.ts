import { readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { CacheClass, HashFormat, Manifest } from '@skewless/core';
import {
  classify,
  contentTypeFor,
  DEFAULT_HASH,
  isHashedName,
  MANIFEST_PATH,
  parseManifest,
  RELEASE_FILE,
  releaseFileOf,
} from '@skewless/core';

/** What the origin knows about one servable file before opening it. */
export interface CatalogEntry {
  /** Path relative to the served directory. */
  path: string;
  /** Absolute path on disk, checked to lie inside the served directory. */
  file: string;
  class: CacheClass;
  contentType: string;
  /** The manifest's Cache-Control, when there is a manifest. */
  cacheControl?: string;
  /** Content digest for the ETag: the manifest's sha256, else size and mtime (a weak tag). */
  digest: string;
  weak: boolean;
}

/** The files of one state of the directory: from its manifest, or by name when it has none. */
export interface Catalog {
  /** The release id, for Surrogate-Key / Cache-Tag; undefined when unknown. */
  release: string | undefined;
  /** The public base path the build was made for (the manifest's `base`); undefined when unknown. */
  base: string | undefined;
  /** Where the build's release file is (the manifest's `releaseFile`, else `skewless.json`). */
  releaseFile: string;
  lookup(path: string): Promise<CatalogEntry | undefined>;
  /** Whether a path carries a content hash in this build's format (whether or not the file exists). */
  hashed(path: string): boolean;
}

/** The absolute path of `path` inside `root`, or undefined when it resolves (through links) outside. */
export async function containedFile(root: string, path: string): Promise<string | undefined> {
  try {
    const real = await realpath(join(root, path));
    if (!real.startsWith(root + sep)) return undefined;
    const info = await stat(real);
    return info.isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function manifestCatalog(root: string, manifest: Manifest): Catalog {
  const files = new Map(manifest.files.map((f) => [f.path, f]));
  return {
    release: manifest.release,
    base: manifest.base,
    releaseFile: releaseFileOf(manifest),
    hashed: (path) => isHashedName(path, manifest.hash),
    async lookup(path) {
      const entry = files.get(path);
      if (!entry) return undefined;
      const file = await containedFile(root, path);
      if (!file) return undefined;
      return {
        path,
        file,
        class: entry.class,
        contentType: entry.contentType,
        cacheControl: entry.cacheControl,
        digest: entry.sha256,
        weak: false,
      };
    },
  };
}

function nameCatalog(root: string, release: string | undefined, hash: HashFormat): Catalog {
  return {
    release,
    base: undefined,
    releaseFile: RELEASE_FILE,
    hashed: (path) => isHashedName(path, hash),
    async lookup(path) {
      const file = await containedFile(root, path);
      if (!file) return undefined;
      const info = await stat(file);
      return {
        path,
        file,
        class: classify({ path }, { hash }),
        contentType: contentTypeFor(path),
        digest: `${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}`,
        weak: true,
      };
    },
  };
}

async function readRelease(root: string): Promise<string | undefined> {
  try {
    const data = JSON.parse(await readFile(join(root, RELEASE_FILE), 'utf8')) as { release?: unknown };
    return typeof data.release === 'string' ? data.release : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The catalog source of a served directory. A manifest passed in is used as is; otherwise the
 * manifest on disk is re-read whenever its size or mtime changes, so an in-place deploy (new files,
 * then a new manifest) is served without a restart.
 */
export function catalogSource(
  dir: string,
  manifest: Manifest | false | undefined,
  hash: HashFormat = DEFAULT_HASH,
): () => Promise<Catalog> {
  // Resolved on every request: an atomic deploy switches a symbolic link (`current -> releases/v2`),
  // and a root resolved once would serve the first release forever.
  const getRoot = () => realpath(dir);
  if (manifest) {
    let catalog: { root: string; catalog: Catalog } | undefined;
    return async () => {
      const root = await getRoot();
      if (catalog?.root !== root) catalog = { root, catalog: manifestCatalog(root, manifest) };
      return catalog.catalog;
    };
  }
  let seen = '';
  let current: Catalog | undefined;
  return async () => {
    const base = await getRoot();
    const manifestFile = join(base, MANIFEST_PATH);
    const releaseFile = join(base, RELEASE_FILE);
    const [m, r] = await Promise.all([
      manifest === false ? undefined : stat(manifestFile).catch(() => undefined),
      stat(releaseFile).catch(() => undefined),
    ]);
    const key = `${base}\0${m ? `m:${m.size}:${m.mtimeMs}` : `n:${r?.size}:${r?.mtimeMs}`}`;
    if (current && key === seen) return current;
    try {
      current = m
        ? manifestCatalog(base, parseManifest(await readFile(manifestFile, 'utf8'), manifestFile))
        : nameCatalog(base, await readRelease(base), hash);
    } catch (error) {
      // A manifest caught half-written by a deploy: keep serving the last good one, read again next time.
      if (current) return current;
      throw error;
    }
    seen = key;
    return current;
  };
}
