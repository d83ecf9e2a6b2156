import { DEFAULT_KEEP, DEFAULT_MIN_AGE_MS, formatAge, parseAge, prune } from '../releases/prune.js';
import { formatBytes } from '../upload/progress.js';
import type { Command } from './command.js';
import { commandArgs, EXIT } from './command.js';
import { purgeExit } from './purge-exit.js';
import {
  checkFlags,
  flagNumber,
  PURGE_FLAGS,
  TARGET_FLAGS,
  TARGET_FLAGS_HELP,
  targetOptions,
} from './target-flags.js';

const HELP = `Usage: skewless prune --to <s3://bucket/prefix | file:///path> [--keep <n>] [--min-age <age>] [options]

Deletes the objects that only old, long-retired releases reference, using the release records
'skewless upload' stores in <prefix>/.skewless/releases/. A release is dropped only when it is
beyond the <n> newest uploads AND was replaced as current at least <age> ago: a tab opened on it
lives on after it was replaced. The current release (and one a published skewless.json names),
and releases still being uploaded, are always kept; objects no stored release lists are never
touched. An upload that starts while prune runs waits for it.

Options:
  --to <url>            the upload target (required)
  --keep <n>            releases to keep, newest first (default ${DEFAULT_KEEP}, ≥ 1)
  --min-age <age>       how long a release must have been retired before it may go: 30d, 12h,
                        90m, 45s, or 0 (default ${formatAge(DEFAULT_MIN_AGE_MS)})
  --purge <cdn:id>      once the objects are deleted, purge the CDN's copies of them (repeatable;
                        off by default: a copy is a deleted file's own bytes under a name no kept
                        release uses, and CDNs may bill each path):
                        cloudfront:<distribution-id> (the deleted paths, 3,000 a request),
                        cloudflare:<zone-id> (their URLs, 30 a request, needs --public-url),
                        cloudflare:<zone-id>:tags, fastly:<service-id>[:soft] (the dropped
                        releases' ids, the tag @skewless/origin sends with their files);
                        tokens from CLOUDFLARE_API_TOKEN / FASTLY_API_TOKEN only
  --public-url <url>    the build's public URL (https://cdn.example.com/app/), for purge URLs
${TARGET_FLAGS_HELP}
  --verbose             why each release is kept or dropped, and each key
  -h, --help            show this help

Exit codes: 0 ok, 1 failed, 2 usage error, 3 deleted but a --purge failed (the warning says how
to purge by hand).`;

const command: Command = async (argv, { logger, verbose }) => {
  const { values, positionals, help, usage } = commandArgs(argv, 'prune', HELP, {
    ...TARGET_FLAGS,
    ...PURGE_FLAGS,
    keep: { type: 'string' },
    'min-age': { type: 'string' },
  });
  if (help) return EXIT.ok;
  if (positionals.length > 0) throw usage(`unexpected argument '${positionals[0]}'`);
  const minAge = values['min-age'] === undefined ? undefined : parseAge(values['min-age']);
  if (values['min-age'] !== undefined && minAge === undefined)
    throw usage(`--min-age must be a duration such as 30d, 12h, 90m, 45s or 0, not '${values['min-age']}'`);
  const options = {
    ...targetOptions(values, usage),
    keep: flagNumber(values.keep) as number | undefined,
    minAgeMs: minAge,
    purge: values.purge,
    publicUrl: values['public-url'],
    logger,
  };
  checkFlags(options, 'prune', usage);
  const result = await prune(options);
  if (verbose)
    for (const d of result.decisions)
      logger.info(`${d.kept ? 'keep' : 'drop'} ${d.release}${d.label ? ` (${d.label})` : ''}: ${d.reason}`);
  if (verbose || result.dryRun) {
    for (const key of result.deleted) logger.info(`${result.dryRun ? 'would delete' : 'deleted'} ${key}`);
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
  logger.info(
    `${result.dryRun ? 'dry run: would delete' : 'deleted'} ${result.deleted.length} object(s) (${formatBytes(result.bytes)}) of ${result.dropped.length} old release(s); kept ${result.kept.join(', ') || 'nothing (no release manifests found)'}`,
  );
  return purgeExit(result.purge);
};
export default command;
