import { DEFAULT_OLDER_THAN_MS, doctor } from '../doctor.js';
import { formatAge, parseAge } from '../releases/prune.js';
import type { Command } from './command.js';
import { commandArgs, EXIT } from './command.js';
import { checkFlags, TARGET_FLAGS, TARGET_FLAGS_HELP, targetOptions } from './target-flags.js';

const HELP = `Usage: skewless doctor --to <s3://bucket/prefix> [--fix] [--older-than <age>] [options]

Lists the multipart uploads left open under the prefix: an upload killed mid-file (SIGKILL, a lost
runner) leaves its parts stored, and billed, until they are aborted. With --fix, aborts those begun
at least <age> ago; a younger one may be a deploy running right now. Finished objects are never
touched. (A lifecycle rule with AbortIncompleteMultipartUpload does the same on a schedule.)

Options:
  --to <url>            the upload target (required)
  --fix                 abort the open uploads older than --older-than
  --older-than <age>    30d, 12h, 90m, 45s, or 0 for all (default ${formatAge(DEFAULT_OLDER_THAN_MS)})
${TARGET_FLAGS_HELP}
  --verbose             each upload aborted
  -h, --help            show this help

Exit codes: 0 nothing stale is left open (or --fix aborted it), 1 stale uploads found (run with
--fix) or failed, 2 usage error.`;

const command: Command = async (argv, { logger }) => {
  const { values, positionals, help, usage } = commandArgs(argv, 'doctor', HELP, {
    ...TARGET_FLAGS,
    fix: { type: 'boolean' },
    'older-than': { type: 'string' },
  });
  if (help) return EXIT.ok;
  if (positionals.length > 0) throw usage(`unexpected argument '${positionals[0]}'`);
  if (values.to === undefined) throw usage('--to is required: the upload target to check');
  const olderThan = values['older-than'] === undefined ? undefined : parseAge(values['older-than']);
  if (values['older-than'] !== undefined && olderThan === undefined)
    throw usage(
      `--older-than must be a duration such as 1d, 12h, 90m, 45s or 0, not '${values['older-than']}'`,
    );
  const options = { ...targetOptions(values, usage), fix: values.fix, olderThanMs: olderThan, logger };
  checkFlags(options, 'doctor', usage);
  const result = await doctor(options);
  if (values.json) process.stdout.write(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
  for (const u of result.uploads) {
    const state = u.aborted ? 'aborted' : u.stale ? 'open' : 'open, recent: left alone';
    logger.info(`${state.padEnd(24)} ${u.key} (begun ${u.initiated ?? 'at an unknown time'})`);
  }
  const age = formatAge(olderThan ?? DEFAULT_OLDER_THAN_MS);
  if (result.fixed) {
    logger.info(
      `aborted ${result.aborted} open multipart upload(s) under ${result.target} older than ${age}.`,
    );
    return EXIT.ok;
  }
  if (result.stale === 0) {
    logger.info(
      `no multipart upload older than ${age} is open under ${result.target}${result.uploads.length > 0 ? ` (${result.uploads.length} recent one(s) left alone)` : ''}.`,
    );
    return EXIT.ok;
  }
  logger.error(
    `${result.stale} multipart upload(s) older than ${age} are open under ${result.target}; their parts are stored and billed. Run the same command with --fix to abort them.`,
  );
  return EXIT.failed;
};
export default command;
