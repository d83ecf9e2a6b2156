import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import type { FileFacts } from '@skewless/core';

/** A bundle entry as Rollup and Rolldown both describe it (only the fields Skewless reads). */
export interface BundleEntry {
  type: 'chunk' | 'asset';
  fileName: string;
  code?: string;
  source?: string | Uint8Array;
  name?: string;
  names?: readonly string[];
  originalFileNames?: readonly string[];
  facadeModuleId?: string | null;
  isEntry?: boolean;
}

interface Known extends FileFacts {
  sha256: string;
}

/**
 * The facts of every output of one build, accumulated across outputs (several Rollup outputs, or
 * @vitejs/plugin-legacy's second pass) so one manifest covers them all, with the checks that need
 * every output: one name → one content, and no two names that differ only in case (a case-insensitive
 * file system or bucket would merge them).
 */
export class BundleFacts {
  private readonly files = new Map<string, Known>();
  private readonly lowerCase = new Map<string, string>();

  constructor(private readonly root: string) {}

  /** Record a file; returns a problem description when it conflicts with one already recorded. */
  add(entry: BundleEntry, hashed: boolean): string | undefined {
    const sha256 = digest(entry);
    const path = entry.fileName;
    const known = this.files.get(path);
    if (known) {
      if (known.sha256 === sha256) return undefined;
      // Vite's build-html writes every page into every output, each naming that output's entry; the last
      // output's page is the one on disk, and a document is never cached, so it replaces the earlier one.
      if (/\.html?$/i.test(path)) {
        known.sha256 = sha256;
        return undefined;
      }
      return `two different contents are written as '${path}' (one output overwrites the other, and a cached copy would never change). Give each output its own names, e.g. '[name]-[format]-[hash:8].js', or its own directory.`;
    }
    const lower = path.toLowerCase();
    const other = this.lowerCase.get(lower);
    if (other !== undefined && other !== path) {
      return `'${path}' and '${other}' differ only in case; a case-insensitive file system or bucket would merge them. Rename one of the sources.`;
    }
    this.lowerCase.set(lower, path);
    const fact: Known = { path, hashed, sha256 };
    const source = this.sourceOf(entry);
    if (source) fact.source = source;
    this.files.set(path, fact);
    return undefined;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /** The facts of one recorded file, or undefined. */
  get(path: string): FileFacts | undefined {
    const known = this.files.get(path);
    if (!known) return undefined;
    const { sha256: _, ...fact } = known;
    return fact;
  }

  /** Every recorded path with the SHA-256 (hex) of the bytes it had when recorded. */
  digests(): { path: string; sha256: string }[] {
    return [...this.files.values()].map(({ path, sha256 }) => ({ path, sha256 }));
  }

  /** Every recorded file's facts with the SHA-256 (hex) of its bytes as the bundler wrote them. */
  known(): (FileFacts & { sha256: string })[] {
    return [...this.files.values()].map((fact) => ({ ...fact }));
  }

  facts(): FileFacts[] {
    return [...this.files.values()].map(({ sha256: _, ...fact }) => fact);
  }

  private sourceOf(entry: BundleEntry): string | undefined {
    if (entry.type === 'chunk') {
      const id = entry.facadeModuleId?.replace(/^\0/, '').replace(/\?.*$/, '');
      return (id && this.relativeToRoot(id)) || entry.name || undefined;
    }
    const original = entry.originalFileNames?.[0];
    return (original && this.relativeToRoot(original)) || entry.names?.[0] || entry.name || undefined;
  }

  /** Keep machine-specific absolute paths out of the manifest: it must be the same on every machine. */
  private relativeToRoot(id: string): string | undefined {
    if (!isAbsolute(id)) return id.replaceAll('\\', '/');
    const rel = relative(this.root, id).replaceAll('\\', '/');
    return rel.startsWith('..') ? undefined : rel;
  }
}

function digest(entry: BundleEntry): string {
  const body = entry.type === 'chunk' ? (entry.code ?? '') : (entry.source ?? '');
  return createHash('sha256').update(body).digest('hex');
}
