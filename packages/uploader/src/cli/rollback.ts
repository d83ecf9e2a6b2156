import { rollback } from '../releases/history.js';
import type { Command } from './command.js';
import { commandArgs, EXIT } from './command.js';
import { purgeExit } from './purge-exit.js';
import {
  checkFlags,
  PURGE_FLAGS,
  PURGE_FLAGS_HELP,
  TARGET_FLAGS,
  TARGET_FLAGS_HELP,
  targetOptions,
} from './target-flags.js';

const HELP = `Usage: skewless rollback --to <s3://bucket/prefix | file:///path> --release <id | label | previous> [options]

Makes an earlier release current again from what the target holds, without its build: checks that
all of its assets are still there (a pruned release is refused, naming what is gone), moves the
current pointer, retires the release it replaces, and publishes the release's stored documents again
(uploaded with --html), its skewless.json last, so open tabs reload into it.

Options:
  --to <url>            the upload target (required)
  --release <which>     a release id, a label given at upload, or 'previous' (the last one
                        replaced as current)
${PURGE_FLAGS_HELP}
${TARGET_FLAGS_HELP}
  -h, --help            show this help

Exit codes: 0 ok, 1 failed (nothing changed), 2 usage error, 3 rolled back but a --purge failed
(the documents are live; the warning says how to purge by hand).`;

const command: Command = async (argv, { logger }) => {
  const { values, positionals, help, usage } = commandArgs(argv, 'rollback', HELP, {
    ...TARGET_FLAGS,
    ...PURGE_FLAGS,
    release: { type: 'string' },
  });
  if (help) return EXIT.ok;
  if (positionals.length > 0) throw usage(`unexpected argument '${positionals[0]}'`);
  const options = {
    ...targetOptions(values, usage),
    release: values.release as string,
    purge: values.purge,
    publicUrl: values['public-url'],
    logger,
  };
  checkFlags(options, 'rollback', usage);
  const result = await rollback(options);
  if (values.json) process.stdout.write(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
  logger.info(
    `${result.dryRun ? 'dry run: would make' : 'made'} release ${result.release} current${result.replaced ? ` (replacing ${result.replaced})` : ''} in ${result.target}; ${result.dryRun ? 'would publish' : 'published'} ${result.documents.join(', ')}`,
  );
  return purgeExit(result.purge);
};
export default command;
