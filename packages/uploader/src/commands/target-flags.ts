import type { SkewlessError } from '../errors.js';
import type { TargetOptions } from '../types.js';

/** The flags every command that talks to a target shares, for node:util `parseArgs`. */
export const TARGET_FLAGS = {
  to: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  concurrency: { type: 'string' },
  'request-timeout': { type: 'string' },
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
  endpoint?: string;
  region?: string;
  profile?: string;
  'path-style'?: boolean;
  'virtual-host-style'?: boolean;
}

/** Check the shared flags and turn them into engine options; `usage` builds the error for a bad one. */
export function targetOptions(
  values: TargetFlagValues,
  usage: (problem: string) => SkewlessError,
  toHelp: string,
): TargetOptions & { to: string } {
  if (!values.to) throw usage(`--to is required (${toHelp})`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw usage(`--concurrency must be a whole number ≥ 1, not '${values.concurrency}'`);
  const timeout = values['request-timeout'] === undefined ? undefined : Number(values['request-timeout']);
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1))
    throw usage(
      `--request-timeout must be a whole number of milliseconds ≥ 1, not '${values['request-timeout']}'`,
    );
  if (values.profile === '') throw usage('--profile needs a profile name from ~/.aws/config');
  if (values['path-style'] && values['virtual-host-style'])
    throw usage('--path-style and --virtual-host-style contradict each other: pass one');
  // The SDK's notice about its future Node support is not the user's problem during a command.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    to: values.to,
    dryRun: values['dry-run'],
    concurrency,
    requestTimeoutMs: timeout,
    endpoint: values.endpoint,
    region: values.region,
    profile: values.profile,
    forcePathStyle: values['path-style'] ? true : values['virtual-host-style'] ? false : undefined,
  };
}
