// The one validator of engine options: `upload()` and `prune()` call it, the `skewless` CLI calls it on
// its parsed flags, and @skewless/vite calls it on its `upload` option when the config loads. Each names
// the options its own way (`'concurrency'`, `--concurrency`, `'upload.concurrency'`).
import { unknownOptionProblem } from './did-you-mean.js';
import { SkewlessError } from './errors.js';
import { PURGE_SYNTAX, parsePurgeTarget } from './purge-spec.js';
import type {
  BuildUploadOptions,
  DoctorOptions,
  HashFormat,
  PackOptions,
  PruneOptions,
  RollbackOptions,
  UploadOptions,
} from './types.js';

type Check = (value: unknown) => string | undefined;

/** What a wrong value was, short and safe to print: never the text of a credential. */
export function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

const boolean: Check = (v) =>
  typeof v === 'boolean' ? undefined : `must be true or false (got ${shown(v)})`;

const wholeNumber =
  (min: number, example: string): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min
      ? undefined
      : `must be a whole number ≥ ${min} such as ${example} (got ${shown(v)})`;

const endpoint: Check = (v) =>
  // An endpoint may carry user:password@, so its text is never echoed.
  typeof v === 'string' && /^https?:\/\/[^/]/.test(v)
    ? undefined
    : `must be an http(s) URL such as 'http://127.0.0.1:4568' (got ${typeof v === 'string' ? 'a string without http:// or https://' : shown(v)})`;

const CREDENTIAL_KEYS = [
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'expiration',
  'credentialScope',
  'accountId',
];

const credentials: Check = (v) => {
  const c = v as Record<string, unknown> | null;
  const ok =
    typeof c === 'object' &&
    c !== null &&
    typeof c.accessKeyId === 'string' &&
    c.accessKeyId !== '' &&
    typeof c.secretAccessKey === 'string' &&
    c.secretAccessKey !== '' &&
    (c.sessionToken === undefined || typeof c.sessionToken === 'string') &&
    // The SDK's own identity fields are fine, and it marks objects it was given (`$source`); anything
    // else is a typo such as `secretAcessKey`.
    Object.keys(c).every((k) => k.startsWith('$') || CREDENTIAL_KEYS.includes(k));
  // Values are never shown: this object holds secrets.
  return ok
    ? undefined
    : 'must be { accessKeyId, secretAccessKey, sessionToken? } with non-empty strings; better, leave it out and set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) in the environment so no key sits in vite.config';
};

const fn: Check = (v) => (typeof v === 'function' ? undefined : `must be a function (got ${shown(v)})`);

const nonEmpty =
  (what: string): Check =>
  (v) =>
    typeof v === 'string' && v !== '' ? undefined : `must be ${what} (got ${shown(v)})`;

/** Every option key of the engine's commands. */
export type EngineOptionKey =
  | keyof UploadOptions
  | keyof BuildUploadOptions
  | keyof PruneOptions
  | keyof DoctorOptions
  | keyof RollbackOptions
  | keyof PackOptions;

/**
 * One check per engine option. Typed over every key of {@link UploadOptions} and {@link PruneOptions}, so
 * an option the engine adds fails the type check here until it is validated too.
 */
const CHECKS: Record<EngineOptionKey, Check> = {
  dir: nonEmpty('the build output directory'),
  tar: nonEmpty("the path of a tar of the build, or '-' for standard input"),
  strip: wholeNumber(0, '1'),
  out: (v) =>
    (typeof v === 'string' && v !== '') ||
    (typeof v === 'object' && v !== null && typeof (v as { write?: unknown }).write === 'function')
      ? undefined
      : `must be a file path or a writable stream such as process.stdout (got ${shown(v)})`,
  keep: wholeNumber(1, '10'),
  minAgeMs: wholeNumber(0, '604800000 (7 days)'),
  olderThanMs: wholeNumber(0, '86400000 (1 day)'),
  fix: boolean,
  signal: (v) =>
    typeof v === 'object' && v !== null && typeof (v as AbortSignal).aborted === 'boolean'
      ? undefined
      : `must be an AbortSignal, such as new AbortController().signal (got ${shown(v)})`,
  release: nonEmpty("a release id, a label, or 'previous'"),
  label: (v) =>
    typeof v === 'string' && /^[\x21-\x7e][\x20-\x7e]{0,99}$/.test(v)
      ? undefined
      : `must be up to 100 printable characters such as a commit id (got ${shown(v)})`,
  manifest: (v) =>
    typeof v === 'object' && v !== null && Array.isArray((v as { files?: unknown }).files)
      ? undefined
      : `must be a Skewless manifest object with 'files' (got ${shown(v)})`,
  digests: (v) =>
    v instanceof Map ? undefined : `must be a Map of manifest paths to digests (got ${shown(v)})`,
  logger: (v) => {
    const l = v as Record<string, unknown> | null;
    return typeof l === 'object' &&
      l !== null &&
      ['info', 'warn', 'error', 'debug'].every((k) => typeof l[k] === 'function')
      ? undefined
      : `must be a logger with info, warn, error and debug functions (got ${shown(v)})`;
  },
  to: (v) =>
    typeof v !== 'string'
      ? `must be 's3://bucket/prefix' or 'file:///absolute/path' (got ${shown(v)})`
      : /^(s3:\/\/[^/]+|file:\/\/\/)/.test(v)
        ? undefined
        : `must start with s3://<bucket> or file:/// (got ${shown(v)}). Example: 's3://my-bucket/app'`,
  html: boolean,
  dryRun: boolean,
  force: boolean,
  includePrivate: boolean,
  forcePathStyle: boolean,
  concurrency: wholeNumber(1, '16'),
  attempts: wholeNumber(1, '5'),
  retryDelayMs: wholeNumber(0, '200'),
  requestTimeoutMs: wholeNumber(1, '60000 (milliseconds)'),
  multipartThreshold: wholeNumber(1, '16 * 1024 * 1024'),
  endpoint,
  verifyUrl: (v) =>
    typeof v === 'string' && /^https?:\/\/[^/]/.test(v)
      ? undefined
      : `must be the build's public http(s) URL through the CDN, such as 'https://cdn.example.com/app/' (got ${typeof v === 'string' ? 'a string without http:// or https://' : shown(v)})`,
  purge: (v) => {
    if (!Array.isArray(v) || v.some((e) => typeof e !== 'string'))
      return `must be a list of strings, each one of ${PURGE_SYNTAX} (got ${shown(v)})`;
    const bad = v.map((e, i) => ({ i, parsed: parsePurgeTarget(e) })).filter((e) => 'problem' in e.parsed);
    return bad.length === 0
      ? undefined
      : `entry ${bad.map((e) => e.i + 1).join(', ')} must be one of ${PURGE_SYNTAX}`;
  },
  publicUrl: (v) =>
    typeof v === 'string' && /^https?:\/\/[^/]/.test(v)
      ? undefined
      : `must be the documents' public http(s) URL, such as 'https://www.example.com/app/' (got ${typeof v === 'string' ? 'a string without http:// or https://' : shown(v)})`,
  region: nonEmpty("a region name such as 'us-east-1'"),
  profile: nonEmpty("a profile name from ~/.aws/config such as 'deploy'"),
  acl: (v) => (v === 'public-read' ? undefined : `can only be 'public-read', or left out (got ${shown(v)})`),
  headers: (v) =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((h) => typeof h === 'string')
      ? undefined
      : `must be an object of header names to string values, such as { 'Content-Language': 'en' }`,
  credentials,
  onProgress: fn,
  early: boolean,
  hash: (v) => {
    if (typeof v !== 'object' || v === null) return `must be { length, characters } (got ${shown(v)})`;
    const problem = hashFormatProblem(v as Partial<HashFormat>);
    return problem ? `is not a hash format: ${problem}` : undefined;
  },
};

/** The options of every command that talks to a target ({@link TargetOptions} and `to`). */
const TARGET_KEYS: EngineOptionKey[] = [
  'to',
  'dryRun',
  'concurrency',
  'endpoint',
  'region',
  'profile',
  'forcePathStyle',
  'credentials',
  'attempts',
  'retryDelayMs',
  'requestTimeoutMs',
  'logger',
];

const UPLOAD_KEYS: EngineOptionKey[] = [
  ...TARGET_KEYS,
  'dir',
  'tar',
  'strip',
  'manifest',
  'digests',
  'html',
  'force',
  'acl',
  'headers',
  'includePrivate',
  'multipartThreshold',
  'onProgress',
  'label',
  'verifyUrl',
  'purge',
  'publicUrl',
  'hash',
  'signal',
];

/** Which command the options are for: each has its own keys and required keys. */
const COMMANDS = {
  upload: { keys: UPLOAD_KEYS, required: ['to'] as EngineOptionKey[] },
  /** The bundler plugin's `upload` option ({@link BuildUploadOptions}). */
  build: {
    // The plugin names the build's hash format itself (hashLength, hashCharacters).
    keys: [
      ...UPLOAD_KEYS.filter((key) => !['tar', 'strip', 'hash'].includes(key)),
      'early',
    ] as EngineOptionKey[],
    required: ['dir', 'to'] as EngineOptionKey[],
  },
  pack: {
    keys: ['dir', 'out', 'logger'] as EngineOptionKey[],
    required: ['dir', 'out'] as EngineOptionKey[],
  },
  prune: {
    keys: [...TARGET_KEYS, 'keep', 'minAgeMs', 'purge', 'publicUrl'] as EngineOptionKey[],
    required: ['to'] as EngineOptionKey[],
  },
  releases: { keys: TARGET_KEYS, required: ['to'] as EngineOptionKey[] },
  doctor: {
    keys: [...TARGET_KEYS, 'fix', 'olderThanMs'] as EngineOptionKey[],
    required: ['to'] as EngineOptionKey[],
  },
  rollback: {
    keys: [...TARGET_KEYS, 'release', 'purge', 'publicUrl'] as EngineOptionKey[],
    required: ['to', 'release'] as EngineOptionKey[],
  },
};

/** How a caller names options in its messages, and which keys it supplies itself. */
export interface OptionProblemsSettings {
  /** The command the options are for. */
  command: keyof typeof COMMANDS;
  /** How an option is named in a message. @default (key) => `'${key}'` */
  name?: (key: string) => string;
  /** Keys the caller sets itself, each with what it sets: a user value is refused with that reason. */
  supplied?: Record<string, string>;
}

/**
 * Every problem with a set of engine options, each a sentence that names the option and its fix: an
 * unknown key (with the closest known one), a wrong type or range, a missing required key. A key whose
 * value is `undefined` means "the default" (`endpoint: process.env.AWS_ENDPOINT_URL` with the variable
 * unset). Values are never echoed where they could be secrets.
 */
export function optionProblems(given: unknown, settings: OptionProblemsSettings): string[] {
  const name = settings.name ?? ((key: string) => `'${key}'`);
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    return [`the options must be an object such as { to: 's3://my-bucket/app' } (got ${shown(given)}).`];
  const { keys, required } = COMMANDS[settings.command];
  const supplied = settings.supplied ?? {};
  const known = keys.filter((k) => !(k in supplied));
  const problems: string[] = [];
  const values = given as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    if (key in supplied) {
      if (value !== undefined) problems.push(`${name(key)} is set by ${supplied[key]}. Remove it.`);
      continue;
    }
    if (!(known as string[]).includes(key)) {
      problems.push(unknownOptionProblem(key, known, name));
      continue;
    }
    if (value === undefined) continue;
    const problem = CHECKS[key as EngineOptionKey](value);
    if (problem) problems.push(`${name(key)} ${problem}.`);
  }
  for (const key of required) {
    if (key in supplied || values[key] !== undefined) continue;
    problems.push(`${name(key)} is required: ${REQUIRED_HELP[key] ?? 'set it'}.`);
  }
  // An upload reads one build: a directory, or a tar of one.
  if (settings.command === 'upload' && !('dir' in supplied)) {
    if (values.dir === undefined && values.tar === undefined)
      problems.push(`${name('dir')} is required: ${REQUIRED_HELP.dir} (or ${name('tar')}, a tar of it).`);
    if (values.dir !== undefined && values.tar !== undefined)
      problems.push(`${name('dir')} and ${name('tar')} both name the build: give one of them.`);
  }
  if (values.strip !== undefined && values.tar === undefined)
    problems.push(`${name('strip')} applies to a tar: give ${name('tar')} too, or leave it out.`);
  return problems;
}

const REQUIRED_HELP: Partial<Record<EngineOptionKey, string>> = {
  dir: 'the build output directory',
  to: "'s3://bucket/prefix' or 'file:///absolute/path'",
  release: "the release id, its label, or 'previous'",
};

/** Throw one error listing every problem of {@link optionProblems}, or return when there is none. */
export function assertOptions(given: unknown, settings: OptionProblemsSettings): void {
  const problems = optionProblems(given, settings);
  if (problems.length > 0)
    throw new SkewlessError('INVALID_OPTIONS', `invalid ${settings.command} options: ${problems.join(' ')}`);
}

/**
 * The hash lengths a Skewless build can have: 8 (below it, two contents share a name too often to
 * promise immutability) to 21 (the most `[hash:N]` Rollup 4 and Rolldown accept).
 */
export const HASH_LENGTH = { min: 8, max: 21 } as const;

/** What is wrong with a hash format, or undefined when it is one a Skewless build can have. */
export function hashFormatProblem(hash: Partial<HashFormat>): string | undefined {
  const { length, characters } = hash;
  const problems: string[] = [];
  if (
    !Number.isInteger(length) ||
    (length as number) < HASH_LENGTH.min ||
    (length as number) > HASH_LENGTH.max
  )
    problems.push(
      `the hash length must be an integer from ${HASH_LENGTH.min} to ${HASH_LENGTH.max} (got ${shown(length)}); use 8, or 12–16 for thousands of chunks`,
    );
  if (characters !== 'hex' && characters !== 'base64')
    problems.push(`the hash characters must be 'hex' or 'base64' (got ${shown(characters)})`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}
