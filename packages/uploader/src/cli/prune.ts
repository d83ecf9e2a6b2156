import { parseArgs } from 'node:util';
import { SkewlessError } from '@skewless/core';
import { prune } from '../releases/prune.js';
import { formatBytes } from '../upload/progress.js';
import type { Command } from './command.js';
import { EXIT } from './command.js';
import { checkFlags, flagNumber, TARGET_FLAGS, TARGET_FLAGS_HELP, targetOptions } from './target-flags.js';

const HELP = `Usage: skewless prune --to <s3://bucket/prefix | file:///path> --keep <n> [options]

Deletes the objects that only releases older than the <n> newest reference, using the release
manifests 'skewless upload' stores in <prefix>/.skewless/releases/. The live release (named by the
target's skewless.json) is always kept, and prune stops without deleting anything when its manifest
is missing; objects no stored release lists are never touched.

Options:
  --to <url>            the upload target (required)
  --keep <n>            releases to keep, newest first (required, ≥ 1)
${TARGET_FLAGS_HELP}
  --verbose             list each key
  -h, --help            show this help

Exit codes: 0 ok, 1 failed, 2 usage error.`;

const command: Command = async (argv, { logger, verbose }) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...TARGET_FLAGS,
      keep: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const usage = (problem: string) =>
    new SkewlessError('INVALID_OPTIONS', `${problem}. Run 'skewless prune --help' for the options.`);
  if (positionals.length > 0) throw usage(`unexpected argument '${positionals[0]}'`);
  const options = { ...targetOptions(values, usage), keep: flagNumber(values.keep) as number, logger };
  checkFlags(options, 'prune', usage);
  const result = await prune(options);
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
