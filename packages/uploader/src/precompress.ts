import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { mapLimit } from './digest.js';
import type { Manifest } from './types.js';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Options of {@link precompress}. */
export interface PrecompressOptions {
  /**
   * Write `<file>.br` (Brotli, quality 11).
   * @default true
   */
  brotli?: boolean;
  /**
   * Write `<file>.gz` (gzip, level 9).
   * @default true
   */
  gzip?: boolean;
  /**
   * Files smaller than this many bytes are left alone: below about a kilobyte the saving is smaller
   * than the header and the extra request-time lookup.
   * @default 1024
   */
  minBytes?: number;
}

/** One sibling file written by {@link precompress}. */
export interface PrecompressedFile {
  /** The sibling's path relative to the directory, e.g. `assets/index-1a2b3c4d.js.br`. */
  path: string;
  /** The manifest path it encodes. */
  source: string;
  encoding: 'br' | 'gzip';
  /** Size of the sibling in bytes. */
  bytes: number;
}

/** The compressed siblings' suffixes: a file `X.br` / `X.gz` next to a listed `X` is a coding of `X`. */
export const PRECOMPRESSED_SUFFIXES = ['.br', '.gz'] as const;

const COMPRESSIBLE =
  /^(text\/|application\/(javascript|json|manifest\+json|xml|wasm)|image\/(svg\+xml|x-icon))/;

/** Whether bytes of this Content-Type shrink under a general-purpose compressor. */
export function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE.test(contentType);
}

/**
 * Whether `path` is a precompressed sibling of another file in `paths` (`app.js.gz` next to `app.js`).
 * Siblings are a coding of a listed file, not files of their own: the manifest leaves them out, so the
 * release id and the upload plan are the same with or without precompression, and a second build run
 * over an output directory does not pick up the first run's siblings.
 */
export function isPrecompressedSibling(path: string, paths: ReadonlySet<string>): boolean {
  return PRECOMPRESSED_SUFFIXES.some((s) => path.endsWith(s) && paths.has(path.slice(0, -s.length)));
}

/**
 * Write Brotli and gzip siblings of the compressible files of a build (what the origin handler and
 * nginx's `gzip_static` serve). Fixed parameters, and the gzip header's OS byte pinned, so the same
 * input gives the same bytes on every machine (same zlib). A sibling no smaller than its source is
 * not written. Private files (source maps) are skipped. Returns the written siblings, sorted by path.
 */
export async function precompress(
  dir: string,
  manifest: Pick<Manifest, 'files'>,
  options: PrecompressOptions = {},
): Promise<PrecompressedFile[]> {
  const minBytes = options.minBytes ?? 1024;
  const encodings = [
    ...(options.brotli !== false ? (['br'] as const) : []),
    ...(options.gzip !== false ? (['gzip'] as const) : []),
  ];
  const candidates = manifest.files.filter(
    (f) => f.class !== 'private' && f.bytes >= minBytes && isCompressible(f.contentType),
  );
  const written = await mapLimit(candidates, 4, async (file) => {
    const input = await readFile(join(dir, file.path));
    const out: PrecompressedFile[] = [];
    for (const encoding of encodings) {
      const bytes = encoding === 'br' ? await brotliBytes(input, file.contentType) : await gzipBytes(input);
      if (bytes.length >= input.length) continue;
      const path = `${file.path}${encoding === 'br' ? '.br' : '.gz'}`;
      await writeFile(join(dir, path), bytes);
      out.push({ path, source: file.path, encoding, bytes: bytes.length });
    }
    return out;
  });
  return written.flat().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function brotliBytes(input: Buffer, contentType: string): Promise<Buffer> {
  return brotli(input, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: contentType.startsWith('text/')
        ? constants.BROTLI_MODE_TEXT
        : constants.BROTLI_MODE_GENERIC,
      [constants.BROTLI_PARAM_SIZE_HINT]: input.length,
    },
  });
}

async function gzipBytes(input: Buffer): Promise<Buffer> {
  const bytes = await gz(input, {
    level: 9,
    memLevel: 9,
    windowBits: 15,
    strategy: constants.Z_DEFAULT_STRATEGY,
  });
  // RFC 1952 byte 9 names the OS that compressed; zlib fills in the build platform. Pin "Unix".
  bytes[9] = 3;
  return bytes;
}
