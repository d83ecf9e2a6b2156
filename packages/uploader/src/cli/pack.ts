import { pack } from '../tar/pack.js';
import { formatBytes } from '../upload/progress.js';
import type { Command } from './command.js';
import { commandArgs, EXIT } from './command.js';
import { checkFlags } from './target-flags.js';

const HELP = `Usage: skewless pack <dir> [--out build.tar]

Writes a build directory, its .skewless/manifest.json included, as a tar on standard output (or to
--out), for 'skewless upload -' to upload elsewhere: the container flow, where the build lives in an
image and the upload runs outside it:

  docker run --rm my-image npx skewless pack /app/dist | npx skewless upload - --to s3://bucket/app

The build is checked first as an upload checks it (no links; every file the manifest lists, with its
bytes, and no other). The tar is reproducible: sorted entries, no owners, one fixed time.

Options:
  --out <file>          write the tar to a file instead of standard output
  --verbose             stacks on errors
  -h, --help            show this help`;

const command: Command = async (argv, { logger }) => {
  const { values, positionals, help, usage } = commandArgs(argv, 'pack', HELP, {
    out: { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (help) return EXIT.ok;
  if (positionals.length !== 1) throw usage('give exactly one build directory');
  if (values.out === undefined && process.stdout.isTTY)
    throw usage(
      'standard output is a terminal: pipe it on (skewless pack dist | …), or pass --out build.tar',
    );
  const options = { dir: positionals[0] as string, out: values.out ?? process.stdout, logger };
  checkFlags(options, 'pack', usage);
  const result = await pack(options);
  logger.info(
    `packed ${result.files} file(s) (${formatBytes(result.bytes)})${result.release ? ` of release ${result.release}` : ''} → ${values.out ?? 'standard output'}`,
  );
  return EXIT.ok;
};
export default command;
