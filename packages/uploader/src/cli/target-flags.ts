import type { OptionProblemsSettings, SkewlessError, TargetOptions } from '@skewless/core';
import { optionProblems } from '@skewless/core';

/** The flags every command that talks to a target shares, for node:util `parseArgs`. */
export const TARGET_FLAGS = {
  to: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  concurrency: { type: 'string' },
  'request-timeout': { type: 'string' },
  attempts: { type: 'string' },
  'retry-delay': { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  'path-style': { type: 'boolean' },
  'virtual-host-style': { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Their help lines. */
export const TARGET_FLAGS_HELP = `  --dry-run             compute and print the plan; write nothing
  --json                print the result as JSON on stdout (for CI); on failure
                        { ok: false, error: { code, message } }
  --concurrency <n>     requests in flight (default 16)
  --request-timeout <ms>
                        deadline of one request, retried when it passes (default 60000)
  --attempts <n>        attempts per request on throttling, 5xx, timeouts and resets (default 5)
  --retry-delay <ms>    first backoff, doubled each attempt, with full jitter (default 200);
                        raise both for a service that throttles hard; a server's
                        Retry-After is waited for (up to 20 s)
  --endpoint <url>      S3 endpoint (R2, MinIO, dev-s3); default AWS_ENDPOINT_URL
  --region <region>     S3 region; default AWS_REGION, the profile's region, else us-east-1
                        with an endpoint
  --profile <name>      AWS profile for credentials and region; default AWS_PROFILE
  --path-style          path-style addressing (default when an endpoint is set)
  --virtual-host-style  bucket.endpoint addressing even with an endpoint (services that
                        refuse path-style requests)`;

interface TargetFlagValues {
  to?: string;
  'dry-run'?: boolean;
  concurrency?: string;
  'request-timeout'?: string;
  attempts?: string;
  'retry-delay'?: string;
  endpoint?: string;
  region?: string;
  profile?: string;
  'path-style'?: boolean;
  'virtual-host-style'?: boolean;
}

/** The flag that sets each engine option, for messages in the CLI's own terms. */
const FLAG_OF: Record<string, string> = {
  to: '--to',
  dir: 'the build directory',
  tar: '--from-tar',
  strip: '--strip',
  out: '--out',
  dryRun: '--dry-run',
  concurrency: '--concurrency',
  requestTimeoutMs: '--request-timeout',
  attempts: '--attempts',
  retryDelayMs: '--retry-delay',
  endpoint: '--endpoint',
  region: '--region',
  profile: '--profile',
  forcePathStyle: '--path-style',
  keep: '--keep',
  release: '--release',
  verifyUrl: '--base-url',
  minAgeMs: '--min-age',
  label: '--label',
  acl: '--acl',
  headers: '--header',
  purge: '--purge',
  publicUrl: '--public-url',
};

/** A numeric flag as a number, or as the text given when it is not one (so the message can show it). */
export function flagNumber(value: string | undefined): number | string | undefined {
  return value === undefined ? undefined : /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

/** Turn the shared flags into engine options; {@link checkFlags} checks them with the rest. */
export function targetOptions(
  values: TargetFlagValues,
  usage: (problem: string) => SkewlessError,
): TargetOptions & { to: string } {
  if (values['path-style'] && values['virtual-host-style'])
    throw usage('--path-style and --virtual-host-style contradict each other: pass one');
  // The SDK's notice about its future Node support is not the user's problem during a command.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    to: values.to as string,
    dryRun: values['dry-run'],
    concurrency: flagNumber(values.concurrency) as number | undefined,
    requestTimeoutMs: flagNumber(values['request-timeout']) as number | undefined,
    attempts: flagNumber(values.attempts) as number | undefined,
    retryDelayMs: flagNumber(values['retry-delay']) as number | undefined,
    endpoint: values.endpoint,
    region: values.region,
    profile: values.profile,
    forcePathStyle: values['path-style'] ? true : values['virtual-host-style'] ? false : undefined,
  };
}

/** The purge flags of the commands that publish documents (upload, rollback). */
export const PURGE_FLAGS = {
  purge: { type: 'string', multiple: true },
  'public-url': { type: 'string' },
} as const;

/** Their help lines. */
export const PURGE_FLAGS_HELP = `  --purge <cdn:id>      once the documents are published, purge them at a CDN (repeatable):
                        cloudfront:<distribution-id> (needs @aws-sdk/client-cloudfront),
                        cloudflare:<zone-id> (by URL, needs --public-url),
                        cloudflare:<zone-id>:tags (the skewless-document cache tag),
                        fastly:<service-id>[:soft] (the skewless-document surrogate key);
                        tokens from CLOUDFLARE_API_TOKEN / FASTLY_API_TOKEN only
  --public-url <url>    the documents' public URL (https://www.example.com/app/), for purge URLs`;

/**
 * Check a command's options with the engine's one validator (@skewless/core), naming each option by its
 * flag, and throw every problem at once as a usage error.
 */
export function checkFlags(
  options: object,
  command: OptionProblemsSettings['command'],
  usage: (problem: string) => SkewlessError,
): void {
  const problems = optionProblems(options, { command, name: (key) => FLAG_OF[key] ?? `'${key}'` });
  if (problems.length > 0) throw usage(problems.join(' ').replace(/\.$/, ''));
}
