import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type ClassifyOptions, cacheControlFor, classify } from './classify.js';
import { DEFAULT_HASH, MANIFEST_PATH, RELEASE_FILE, RELEASE_PLACEHOLDER } from './constants.js';
import { contentTypeFor } from './content-type.js';
import { SkewlessError } from './errors.js';
import { digestForBuild, sha256File } from './hash-file.js';
import { detectHashFormat } from './hashed-name.js';
import { htmlReferences } from './html-refs.js';
import { checkManifestNames, unsafePath } from './manifest-names.js';
import { mapLimit } from './pool.js';
import { isPrecompressedSibling } from './precompress.js';
import { releaseId } from './release.js';
import type {
  BuildDigest,
  CacheControlMap,
  HashFormat,
  Manifest,
  ManifestFile,
  ReleaseInfo,
} from './types.js';
import { compareBytes, walkFiles } from './walk.js';

/** What the bundler knows about one output file; everything else is read from disk. */
export interface FileFacts {
  /** Path relative to the output directory, `/`-separated. */
  path: string;
  /** Whether the bundler gave the file a content-hashed name. */
  hashed?: boolean;
  /** Logical source name (entry or module name). */
  source?: string;
}

export interface CreateManifestOptions {
  /** Absolute path of the output directory. */
  dir: string;
  /** Facts from the bundler; files on disk without facts are classified by name. */
  facts?: readonly FileFacts[];
  /**
   * The hash format of the build's names.
   * @default with `facts`, 8 hex; without (a bare directory), the bundler default most names carry ({@link detectHashFormat})
   */
  hash?: HashFormat;
  /** @default '/' */
  base?: string;
  /** @default 'assets' */
  assetsDir?: string;
  /** @default false */
  publicSourceMaps?: boolean;
  /** Output paths deliberately unhashed (service workers); classed `document`. */
  unhashed?: readonly string[];
  /** Output paths written for a server, never served (a renamed Vite backend manifest); classed `private`. */
  serverOnly?: readonly string[];
  /** Per-class Cache-Control overrides. */
  cacheControl?: Partial<CacheControlMap>;
  /** Glob patterns (relative to `dir`) to leave out. */
  ignore?: readonly string[];
  /**
   * Where the build's files are served from when not under `base`: an absolute URL of another origin
   * (SvelteKit's `paths.assets`, Vite's renderBuiltUrl to a CDN). The HTML's links to it count as
   * references to the output's files.
   */
  assetsBase?: string;
  /**
   * Write the release file into `dir` and list it.
   * @default false
   */
  writeReleaseFile?: boolean;
  /**
   * Where the release file goes, relative to `dir`: elsewhere than {@link RELEASE_FILE} for servers whose
   * SPA fallback answers that path with the HTML. Recorded in the manifest when not the default.
   * @default 'skewless.json'
   */
  releaseFile?: string;
  /**
   * Replace {@link RELEASE_PLACEHOLDER} in `document` files with the release id (after the id is
   * computed over the files as they were) and update their entries.
   * @default false
   */
  stampRelease?: boolean;
  /**
   * The release id, when the bundler plugin already stamped it into the bundle's HTML (`bundleRelease`):
   * the manifest and the release file carry that one instead of an id computed over the files on disk.
   * @default an id over every file in `dir`, documents with the placeholder
   */
  release?: string;
  /**
   * Filled with what was read of each file (digests, how it stood on disk, a small file's bytes up to
   * 64 MiB in all), for an upload that follows (`UploadOptions.digests`): hashing MD5 in the same read
   * lets it skip reading the build again. Files rewritten here (stamped documents) are left out.
   * @default undefined (nothing kept)
   */
  digests?: Map<string, BuildDigest>;
}

/** Bytes of small files kept in {@link CreateManifestOptions.digests} for the upload to send. */
const KEPT_BODIES_LIMIT = 64 * 1024 * 1024;

/**
 * Build the manifest of an output directory: every file with its digest, type, class and headers,
 * HTML references, and a release id derived from the content (or the one given, see `release`).
 * Deterministic: the same bytes on disk give the same manifest bytes.
 */
export async function createManifest(options: CreateManifestOptions): Promise<Manifest> {
  const base = options.base ?? '/';
  const facts = new Map((options.facts ?? []).map((f) => [f.path, f]));
  const walked = await walkFiles(options.dir, [MANIFEST_PATH, ...(options.ignore ?? [])]);
  const onDisk = new Set(walked);
  // Precompressed siblings are codings of listed files, not files (see precompress.ts).
  const releaseFile = options.releaseFile ?? RELEASE_FILE;
  const paths = walked.filter(
    (p) => (p !== releaseFile || !options.writeReleaseFile) && !isPrecompressedSibling(p, onDisk),
  );
  // A name a manifest cannot hold (a backslash: a separator on Windows) would be uploaded once and then
  // make its release record unreadable, so every later upload, prune and rollback of the target refuses
  // it. Refused here, before anything is written, naming each file.
  const unsafe = paths.filter((p) => unsafePath(p) !== undefined);
  if (unsafe.length > 0) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `${options.dir} holds ${unsafe.length} file name(s) with a backslash, which the target cannot name safely (a path separator on Windows; prune and rollback refuse a release listing one): ${unsafe.map((p) => JSON.stringify(p)).join(', ')}. Nothing was written. Rename them, then run again.`,
    );
  }
  // A build the bundler described says its format; a bare directory's is read from its names.
  const hash = options.hash ?? (options.facts ? DEFAULT_HASH : detectHashFormat(paths));
  const classifyOptions = {
    hash,
    publicSourceMaps: options.publicSourceMaps,
    serverOnly: options.serverOnly,
    // The release file is a document wherever it is: no-cache, published last.
    unhashed: releaseFile === RELEASE_FILE ? options.unhashed : [...(options.unhashed ?? []), releaseFile],
  };

  let kept = 0;
  const keep = options.digests;
  const files = await mapLimit(paths, 32, (path) =>
    describeFile(
      options.dir,
      facts.get(path) ?? { path },
      { ...classifyOptions, cacheControl: options.cacheControl },
      keep &&
        ((digest) => {
          if (digest.body && kept + digest.bytes <= KEPT_BODIES_LIMIT) kept += digest.bytes;
          else delete digest.body;
          keep.set(path, digest);
        }),
    ),
  );

  const known = new Set(paths);
  for (const file of files) {
    if (!/\.html?$/i.test(file.path)) continue;
    const html = await readFile(join(options.dir, file.path), 'utf8');
    file.references = htmlReferences(html, file.path, base, known, options.assetsBase);
  }

  const release = options.release ?? releaseId(files.filter((f) => f.path !== releaseFile));
  if (options.stampRelease) await stampRelease(options.dir, files, release, options.digests);
  if (options.writeReleaseFile) {
    const body = `${JSON.stringify({ release } satisfies ReleaseInfo)}\n`;
    await mkdir(dirname(join(options.dir, releaseFile)), { recursive: true });
    await writeFile(join(options.dir, releaseFile), body);
    const digest = createHash('sha256').update(body).digest();
    files.push({
      path: releaseFile,
      bytes: Buffer.byteLength(body),
      sha256: digest.toString('hex'),
      integrity: `sha256-${digest.toString('base64')}`,
      contentType: contentTypeFor(releaseFile),
      class: 'document',
      cacheControl: cacheControlFor('document', options.cacheControl),
    });
    files.sort((a, b) => compareBytes(a.path, b.path));
  }

  return {
    version: 1,
    release,
    hash,
    base,
    assetsDir: options.assetsDir ?? 'assets',
    ...(releaseFile === RELEASE_FILE ? {} : { releaseFile }),
    files,
  };
}

/**
 * One file's manifest entry (without HTML references): its digest read from disk, type, class and
 * headers. The plugin describes the files it sends early with it, so they match the manifest's entries.
 */
export async function describeFile(
  dir: string,
  fact: FileFacts,
  options: ClassifyOptions & { cacheControl?: Partial<CacheControlMap> },
  onRead?: (digest: BuildDigest) => void,
): Promise<ManifestFile> {
  const { path } = fact;
  let digest: { hex: string; base64: string; bytes: number };
  if (onRead) {
    const read = await digestForBuild(join(dir, path));
    onRead(read);
    const sha = Buffer.from(read.sha256, 'hex');
    digest = { hex: read.sha256, base64: sha.toString('base64'), bytes: read.bytes };
  } else digest = await sha256File(join(dir, path));
  const cls = classify({ path, hashed: fact.hashed }, options);
  const file: ManifestFile = {
    path,
    bytes: digest.bytes,
    sha256: digest.hex,
    integrity: `sha256-${digest.base64}`,
    contentType: contentTypeFor(path),
    class: cls,
    cacheControl: cacheControlFor(cls, options.cacheControl),
  };
  if (fact.source) file.source = fact.source;
  return file;
}

async function stampRelease(
  dir: string,
  files: ManifestFile[],
  release: string,
  digests: Map<string, BuildDigest> | undefined,
): Promise<void> {
  for (const file of files) {
    if (file.class !== 'document') continue;
    const path = join(dir, file.path);
    const text = await readFile(path, 'utf8');
    if (!text.includes(RELEASE_PLACEHOLDER)) continue;
    // Rewritten now: what was read of it before no longer describes it.
    digests?.delete(file.path);
    const body = text.replaceAll(RELEASE_PLACEHOLDER, release);
    await writeFile(path, body);
    const digest = createHash('sha256').update(body).digest();
    file.bytes = Buffer.byteLength(body);
    file.sha256 = digest.toString('hex');
    file.integrity = `sha256-${digest.toString('base64')}`;
  }
}

/** The manifest as the bytes written to disk: stable key order, two-space indent, trailing newline. */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Write the manifest to `<dir>/.skewless/manifest.json`; returns its absolute path. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<string> {
  const file = join(dir, MANIFEST_PATH);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, serializeManifest(manifest));
  return file;
}

/** Parse and check a manifest document; `where` names its origin in error messages. */
export function parseManifest(text: string, where: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SkewlessError(
      'INVALID_MANIFEST',
      `${where} is not valid JSON. Rebuild with @skewless/vite or pass the right file.`,
      { cause: error },
    );
  }
  const m = data as Partial<Manifest>;
  if (
    !m ||
    typeof m !== 'object' ||
    m.version !== 1 ||
    !Array.isArray(m.files) ||
    typeof m.release !== 'string'
  ) {
    throw new SkewlessError(
      'INVALID_MANIFEST',
      `${where} is not a Skewless manifest (expected "version": 1, "release" and "files"). Rebuild with @skewless/vite, or remove it to classify the directory by file names.`,
    );
  }
  if (m.releaseFile !== undefined && releaseFileProblem(m.releaseFile) !== undefined) {
    throw new SkewlessError(
      'INVALID_MANIFEST',
      `${where} names its release file ${JSON.stringify(m.releaseFile)}, which ${releaseFileProblem(m.releaseFile)}. Rebuild with @skewless/vite.`,
    );
  }
  checkManifestNames(m as Manifest, where);
  return m as Manifest;
}

/** The path of a build's release file: the manifest's `releaseFile`, else {@link RELEASE_FILE}. */
export function releaseFileOf(manifest: Pick<Manifest, 'releaseFile'> | undefined): string {
  return manifest?.releaseFile ?? RELEASE_FILE;
}

/**
 * What is wrong with a release file location, or undefined: a relative `/`-separated path inside the
 * output directory, ending in `.json`, outside dot folders (which are never served).
 */
export function releaseFileProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || path === '') return "must be a path such as 'assets/skewless.json'";
  if (path.startsWith('/') || path.includes('\\'))
    return "must be relative to the output directory, with '/' separators";
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    return "must not hold '..', '.' or empty segments";
  if (segments.some((s) => s.startsWith('.') && s !== '.well-known'))
    return 'must not be in a dot folder, which is never served';
  if (!path.endsWith('.json')) return "must end in '.json'";
  return undefined;
}

/** Read `<dir>/.skewless/manifest.json`, or undefined when the directory has none. */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const file = join(dir, MANIFEST_PATH);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseManifest(text, file);
}
