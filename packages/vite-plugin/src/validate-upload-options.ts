import { unknownOptionProblem } from './did-you-mean.js';
import type { SkewlessUploadOptions } from './types.js';

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
    Object.keys(c).every((k) => ['accessKeyId', 'secretAccessKey', 'sessionToken'].includes(k));
  // Values are never shown: this object holds secrets.
  return ok
    ? undefined
    : 'must be { accessKeyId, secretAccessKey, sessionToken? } with non-empty strings; better, leave it out and set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) in the environment so no key sits in vite.config';
};

/** What the plugin supplies itself, so a user value would be ignored or clash. */
const SUPPLIED: Record<string, string> = {
  dir: "the build's output directory",
  manifest: "the build's manifest",
  logger: "Vite's logger",
};

/**
 * One check per upload option. Typed over every key of {@link SkewlessUploadOptions}, so an option the
 * engine adds fails the type check here until it is validated too.
 */
const CHECKS: Record<keyof SkewlessUploadOptions, Check> = {
  to: (v) =>
    typeof v !== 'string'
      ? `is required: 's3://bucket/prefix' or 'file:///absolute/path'`
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
  requestTimeoutMs: wholeNumber(1, '60000'),
  multipartThreshold: wholeNumber(1, '16 * 1024 * 1024'),
  endpoint,
  region: (v) =>
    typeof v === 'string' && v !== ''
      ? undefined
      : `must be a region name such as 'us-east-1' (got ${shown(v)})`,
  profile: (v) =>
    typeof v === 'string' && v !== ''
      ? undefined
      : `must be a profile name from ~/.aws/config such as 'deploy' (got ${shown(v)})`,
  acl: (v) => (v === 'public-read' ? undefined : `can only be 'public-read', or left out (got ${shown(v)})`),
  headers: (v) =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((h) => typeof h === 'string')
      ? undefined
      : `must be an object of header names to string values, such as { 'Content-Language': 'en' }`,
  credentials,
  onProgress: (v) => (typeof v === 'function' ? undefined : `must be a function (got ${shown(v)})`),
};

/**
 * Check the `upload` option when the config loads, so a typo (`htlm: true`) or a wrong type fails before
 * the build, not after it or, worse, silently (a string `dryRun: 'no'` is truthy and uploads nothing).
 */
export function uploadProblems(upload: unknown): string[] {
  if (typeof upload !== 'object' || upload === null || Array.isArray(upload))
    return [`'upload' must be an object such as { to: 's3://my-bucket/app' } (got ${shown(upload)}).`];
  const problems: string[] = [];
  const given = upload as Record<string, unknown>;
  for (const [key, value] of Object.entries(given)) {
    if (key in SUPPLIED) {
      problems.push(`'upload.${key}' is set by the plugin (${SUPPLIED[key]}). Remove it.`);
      continue;
    }
    const check = CHECKS[key as keyof SkewlessUploadOptions];
    if (!check) {
      problems.push(unknownOptionProblem('upload', key, Object.keys(CHECKS)));
      continue;
    }
    // `endpoint: process.env.AWS_ENDPOINT_URL` is undefined when the variable is unset: that means "default".
    if (value === undefined) continue;
    const problem = check(value);
    if (problem) problems.push(`'upload.${key}' ${problem}.`);
  }
  if (given.to === undefined) problems.push(`'upload.to' ${CHECKS.to(undefined)}.`);
  return problems;
}
