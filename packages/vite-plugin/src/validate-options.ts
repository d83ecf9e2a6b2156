import { isAbsolute } from 'node:path';
import type { CacheControlMap, HashFormat } from '@skewless/core';
import {
  HASH_LENGTH,
  optionProblems,
  RELEASE_FILE,
  releaseFileProblem,
  SkewlessError,
  shown,
  unknownOptionProblem,
} from '@skewless/core';
import type { SkewlessGuardOptions, SkewlessOptions, SkewlessUploadOptions } from './types.js';

/** Options with defaults applied. */
export interface ResolvedOptions {
  hash: HashFormat;
  unhashed: string[];
  publicSourceMaps: boolean;
  previousManifest: string | undefined;
  cacheControl: Partial<CacheControlMap>;
  upload: SkewlessUploadOptions | undefined;
  onUploadError: 'error' | 'warn';
  guard: false | (Required<Pick<SkewlessGuardOptions, 'mode'>> & Pick<SkewlessGuardOptions, 'nonce'>);
  precompress: boolean;
  assetsDir: string | undefined;
  releaseFile: string;
  deployDir: string | undefined;
}

/** What the plugin supplies to `upload()` itself, so a user value would be ignored or clash. */
const SUPPLIED = {
  dir: "the plugin (the build's output directory)",
  manifest: "the plugin (the build's manifest)",
  digests: 'the plugin (what the manifest step read of each file)',
  logger: "the plugin (Vite's logger)",
  tar: "the plugin (it uploads the build's output directory)",
  strip: "the plugin (it uploads the build's output directory)",
};

const CLASSES = ['immutable', 'revalidate', 'document', 'private'];
const KNOWN = new Set([
  'hashLength',
  'hashCharacters',
  'unhashed',
  'publicSourceMaps',
  'previousManifest',
  'cacheControl',
  'upload',
  'onUploadError',
  'guard',
  'precompress',
  'assetsDir',
  'releaseFile',
  'deployDir',
]);

/**
 * Check every option and report all problems at once, each with its fix, so a bad config fails the
 * build in one round instead of one problem per build.
 */
export function validateOptions(options: SkewlessOptions = {}): ResolvedOptions {
  const problems: string[] = [];
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) problems.push(unknownOptionProblem(key, KNOWN));
  }

  const length = options.hashLength ?? 8;
  // The range every Skewless tool accepts: beyond 21 Rollup and Rolldown fail with a less helpful error.
  if (!Number.isInteger(length) || length < HASH_LENGTH.min || length > HASH_LENGTH.max)
    problems.push(
      `'hashLength' must be an integer from ${HASH_LENGTH.min} to ${HASH_LENGTH.max} (got ${JSON.stringify(options.hashLength)}). Use 8, or 12–16 for thousands of chunks.`,
    );
  const characters = options.hashCharacters ?? 'hex';
  if (characters !== 'hex' && characters !== 'base64')
    problems.push(`'hashCharacters' must be 'hex' or 'base64' (got ${JSON.stringify(characters)}).`);

  const unhashed = options.unhashed ?? [];
  if (!Array.isArray(unhashed) || unhashed.some((p) => typeof p !== 'string' || p === ''))
    problems.push(`'unhashed' must be a list of output paths such as ['sw.js'] (got ${shown(unhashed)}).`);
  else
    for (const p of unhashed)
      if (p.startsWith('/') || p.startsWith('./') || p.includes('\\'))
        problems.push(
          `'unhashed' entry '${p}' must be relative to the output directory with '/' separators, e.g. '${p.replace(/^\.?\/+/, '').replaceAll('\\', '/')}'.`,
        );

  if (options.publicSourceMaps !== undefined && typeof options.publicSourceMaps !== 'boolean')
    problems.push(`'publicSourceMaps' must be true or false.`);
  const releaseProblem =
    options.releaseFile === undefined ? undefined : releaseFileProblem(options.releaseFile);
  if (releaseProblem)
    problems.push(
      `'releaseFile' ${releaseProblem} (got ${shown(options.releaseFile)}), e.g. 'assets/skewless.json'.`,
    );
  if (options.precompress !== undefined && typeof options.precompress !== 'boolean')
    problems.push(`'precompress' must be true or false.`);
  if (
    options.previousManifest !== undefined &&
    (typeof options.previousManifest !== 'string' || options.previousManifest === '')
  )
    problems.push(
      `'previousManifest' must be a path or an http(s) URL of a previous .skewless/manifest.json.`,
    );
  if (options.assetsDir !== undefined && typeof options.assetsDir !== 'string')
    problems.push(`'assetsDir' must be a folder name such as 'assets' (or '' for the output root).`);
  if (
    options.deployDir !== undefined &&
    (typeof options.deployDir !== 'string' ||
      options.deployDir.trim() === '' ||
      isAbsolute(options.deployDir))
  )
    problems.push(
      `'deployDir' must be the folder your framework deploys, relative to the project root, such as 'build' (got ${shown(options.deployDir)}).`,
    );

  const cacheControl = options.cacheControl ?? {};
  if (typeof cacheControl !== 'object' || cacheControl === null) {
    problems.push(`'cacheControl' must be an object such as { revalidate: 'public, max-age=60' }.`);
  } else {
    for (const [cls, value] of Object.entries(cacheControl)) {
      if (!CLASSES.includes(cls))
        problems.push(`'cacheControl.${cls}' is not a cache class. Use one of ${CLASSES.join(', ')}.`);
      else if (typeof value !== 'string' || value.trim() === '')
        problems.push(
          `'cacheControl.${cls}' must be a Cache-Control header value such as 'public, max-age=60' (got ${shown(value)}).`,
        );
    }
  }

  const upload = options.upload;
  if (upload !== undefined) {
    if (typeof upload !== 'object' || upload === null || Array.isArray(upload))
      problems.push(
        `'upload' must be an object such as { to: 's3://my-bucket/app' } (got ${shown(upload)}).`,
      );
    else
      problems.push(
        ...optionProblems(upload, {
          command: 'build',
          supplied: SUPPLIED,
          name: (key) => `'upload.${key}'`,
        }),
      );
  }
  const onUploadError = options.onUploadError ?? 'error';
  if (onUploadError !== 'error' && onUploadError !== 'warn')
    problems.push(`'onUploadError' must be 'error' or 'warn'.`);

  let guard: ResolvedOptions['guard'] = { mode: 'inline' };
  if (options.guard === false) guard = false;
  else if (options.guard !== undefined && options.guard !== true) {
    if (typeof options.guard !== 'object' || options.guard === null)
      problems.push(
        `'guard' must be true, false or an object such as { mode: 'external' } (got ${shown(options.guard)}).`,
      );
    else {
      const mode = options.guard.mode ?? 'inline';
      if (mode !== 'inline' && mode !== 'external')
        problems.push(`'guard.mode' must be 'inline' or 'external'.`);
      if (options.guard.nonce !== undefined && typeof options.guard.nonce !== 'string')
        problems.push(`'guard.nonce' must be a string.`);
      guard = { mode, nonce: options.guard.nonce };
    }
  }

  if (problems.length > 0) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `invalid skewless() options:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return {
    hash: { length, characters },
    unhashed: [...unhashed],
    publicSourceMaps: options.publicSourceMaps ?? false,
    previousManifest: options.previousManifest,
    cacheControl: { ...cacheControl },
    upload,
    onUploadError,
    guard,
    precompress: options.precompress ?? false,
    assetsDir: options.assetsDir,
    releaseFile: options.releaseFile ?? RELEASE_FILE,
    deployDir: options.deployDir,
  };
}
