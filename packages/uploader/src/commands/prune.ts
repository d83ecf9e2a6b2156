import { parseArgs } from 'node:util';
import { SkewlessError } from '../errors.js';
import { formatBytes } from '../progress.js';
import { prune } from '../prune.js';
import type { Command } from './command.js';
import { EXIT } from './command.js';

const HELP = `Usage: skewless prune --to <s3://bucket/prefix | file:///path> --keep <n> [options]

Deletes the objects that only releases older than the <n> newest reference, using the release
manifests 'skewless upload' stores in <prefix>/.skewless/releases/. The live release (named by the
target's skewless.json) is always kept; objects no stored release lists are never touched.

Options:
  --to <url>            the upload target (required)
  --keep <n>            releases to keep, newest first (required, ≥ 1)
  --dry-run             print what would be deleted; delete nothing
  --json                print the result as JSON on stdout
  --concurrency <n>     requests in flight (default 16)
  --endpoint <url>      S3 endpoint; default AWS_ENDPOINT_URL
  --region <region>     S3 region; default AWS_REGION or the AWS profile
  --path-style          path-style addressing (default when an endpoint is set)
  --verbose             list each key
  -h, --help            show this help

Exit codes: 0 ok, 1 failed, 2 usage error.`;

const command: Command = async (argv, { logger, verbose }) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      to: { type: 'string' },
      keep: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      concurrency: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      'path-style': { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const usage = (problem: string) =>
    new SkewlessError('INVALID_OPTIONS', `${problem}. Run 'skewless prune --help' for the options.`);
  if (positionals.length > 0) throw usage(`unexpected argument '${positionals[0]}'`);
  if (!values.to) throw usage('--to is required (the upload target)');
  const keep = Number(values.keep);
  if (values.keep === undefined || !Number.isInteger(keep) || keep < 1)
    throw usage('--keep must be a whole number ≥ 1');
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw usage(`--concurrency must be a whole number ≥ 1, not '${values.concurrency}'`);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const result = await prune({
    to: values.to,
    keep,
    dryRun: values['dry-run'],
    concurrency,
    endpoint: values.endpoint,
    region: values.region,
    forcePathStyle: values['path-style'] ? true : undefined,
    logger,
  });
  if (verbose || result.dryRun) {
    for (const key of result.deleted) logger.info(`${result.dryRun ? 'would delete' : 'deleted'} ${key}`);
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
  logger.info(
    `${result.dryRun ? 'dry run: would delete' : 'deleted'} ${result.deleted.length} object(s) (${formatBytes(result.bytes)}) of ${result.dropped.length} old release(s); kept ${result.kept.join(', ') || 'nothing (no release manifests found)'}`,
  );
  return EXIT.ok;
};
export default command;
