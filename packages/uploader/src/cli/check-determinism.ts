import { checkDeterminism, describeDeterminism } from '../determinism.js';
import type { Command } from './command.js';
import { EXIT, parseFlags } from './command.js';

const HELP = `Usage: skewless check-determinism [--root .] [--config vite.config.ts] [--mode production]
                                  [--command '<build command>'] [--json]

Builds the project twice with its own Vite, each time in a fresh copy of the project in a temp
folder (the project itself is never written to), and compares every file each build produced: in
outDir and written anywhere else in the copy (a service worker written into public/). Reports the
same name with different bytes (with the first differing region), files with no counterpart in the
other build (not compared), and the release ids. Exit code 1 on any difference.

Options:
  --root <dir>       project root (default: current directory)
  --config <file>    Vite config file, relative to the root (default: Vite's lookup)
  --mode <mode>      Vite mode (default: production)
  --command <cmd>    build with this command instead of Vite's build(), for a framework that builds
                     through its own CLI ('react-router build', 'astro build'); every file it writes
                     in the copy is compared
  --keep             keep the two build directories and project copies, and print where they are
  --json             print the report as JSON on stdout
  --verbose          print stacks on errors`;

const command: Command = async (argv, { logger }) => {
  const { values } = parseFlags(
    {
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        root: { type: 'string', default: '.' },
        config: { type: 'string' },
        mode: { type: 'string' },
        command: { type: 'string' },
        keep: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    'check-determinism',
  );
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const report = await checkDeterminism({
    root: values.root,
    configFile: values.config,
    mode: values.mode,
    keep: values.keep,
    command: values.command,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const lines = describeDeterminism(report).join('\n');
    if (report.identical) logger.info(lines);
    else logger.error(lines);
    if (values.keep)
      logger.info(
        `builds kept in ${report.dirs.join(' and ')}; the copies of the project they were built in: ${report.copies.join(' and ')}`,
      );
  }
  return report.identical ? EXIT.ok : EXIT.failed;
};
export default command;
