import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, createBrotliDecompress, createGunzip, gzip } from 'node:zlib';
import { mapLimit } from './pool.js';
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
 * Whether `path` is named like a precompressed sibling of another file in `paths` (`app.js.gz` next to
 * `app.js`). By name only: {@link precompressedSiblings} also checks the bytes, so a same-named file the
 * user ships on purpose (`data.json.gz` next to `data.json`) is not taken for one.
 * Siblings are a coding of a listed file, not files of their own: the manifest leaves them out, so the
 * release id and the upload plan are the same with or without precompression, and a second build run
 * over an output directory does not pick up the first run's siblings.
 */
export function isPrecompressedSibling(path: string, paths: ReadonlySet<string>): boolean {
  return PRECOMPRESSED_SUFFIXES.some((s) => path.endsWith(s) && paths.has(path.slice(0, -s.length)));
}

/**
 * Whether `sibling` (`X.br` / `X.gz`) decodes to exactly the bytes of `file` (`X`): a coding of it, as
 * {@link precompress} writes, rather than a file of its own that shares the name (a downloadable
 * `data.json.gz` shipped next to `data.json`). Reads both once; stops as soon as the decoded bytes
 * outgrow `file`, so a large archive next to a small file costs little. Anything that fails to decode is
 * not a coding.
 */
export async function decodesTo(sibling: string, file: string): Promise<boolean> {
  const decoder = sibling.endsWith('.br') ? createBrotliDecompress() : createGunzip();
  try {
    const expected = createHash('sha256');
    let size = 0;
    await pipeline(createReadStream(file), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        size += chunk.length;
        expected.update(chunk);
      }
    });
    const actual = createHash('sha256');
    let decoded = 0;
    await pipeline(createReadStream(sibling), decoder, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        decoded += chunk.length;
        if (decoded > size) throw new Error('decodes to more bytes than the file');
        actual.update(chunk);
      }
    });
    return decoded === size && actual.digest('hex') === expected.digest('hex');
  } catch {
    return false;
  }
}

/**
 * The precompressed siblings among `paths` (relative to `dir`): each `X.br` / `X.gz` whose `X` is also
 * in `paths` and which {@link decodesTo} it. A same-named file with other content is a file of its own.
 */
export async function precompressedSiblings(dir: string, paths: readonly string[]): Promise<Set<string>> {
  const all = new Set(paths);
  const candidates = paths.filter((p) => isPrecompressedSibling(p, all));
  const verdicts = await mapLimit(candidates, 4, (p) =>
    decodesTo(join(dir, p), join(dir, p.slice(0, p.lastIndexOf('.')))),
  );
  return new Set(candidates.filter((_, i) => verdicts[i]));
}

/**
 * Write Brotli and gzip siblings of the compressible files of a build (what the origin handler and
 * nginx's `gzip_static` serve). Fixed parameters, and the gzip header's OS byte pinned, so the same
 * input gives the same bytes on every machine (same zlib). A sibling no smaller than its source is
 * not written, nor one whose name the manifest lists as a file of its own. Private files (source maps)
 * are skipped. Returns the written siblings, sorted by path.
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
  // A listed `X.gz` is a file of the user's own (a download next to `X`): never write over it.
  const listed = new Set(manifest.files.map((f) => f.path));
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
      if (listed.has(path)) continue;
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
