import { releases } from '../releases/history.js';
import { formatBytes } from '../upload/progress.js';
import type { Command } from './command.js';
import { commandArgs, EXIT } from './command.js';
import { checkFlags, TARGET_FLAGS, TARGET_FLAGS_HELP, targetOptions } from './target-flags.js';

const HELP = `Usage: skewless releases --to <s3://bucket/prefix | file:///path> [options]

Lists the releases the target holds (from the records 'skewless upload' stores), newest upload
first: id, label, state, when it was uploaded, went live and was retired, its files and bytes, and
which one is current. The total counts each stored file once, however many releases share it.

Options:
  --to <url>            the upload target (required)
${TARGET_FLAGS_HELP}
  -h, --help            show this help

Exit codes: 0 ok, 1 failed, 2 usage error.`;

/** A server time for people: `2026-12-02 15:04:05Z`. */
export function when(ms: number | undefined): string {
  return ms === undefined ? '-' : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

const command: Command = async (argv, { logger }) => {
  const { values, positionals, help, usage } = commandArgs(argv, 'releases', HELP, { ...TARGET_FLAGS });
  if (help) return EXIT.ok;
  if (positionals.length > 0) throw usage(`unexpected argument '${positionals[0]}'`);
  const options = { ...targetOptions(values, usage), logger };
  checkFlags(options, 'releases', usage);
  const result = await releases(options);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
    return EXIT.ok;
  }
  const rows = result.releases.map((r) => [
    `${r.current ? '* ' : '  '}${r.release}`,
    r.label ?? '-',
    r.state,
    when(r.uploaded),
    when(r.live),
    when(r.retired),
    String(r.files),
    formatBytes(r.bytes),
    r.missing > 0 ? `${r.missing} gone` : r.documents ? 'yes' : 'no documents',
  ]);
  const head = ['  release', 'label', 'state', 'uploaded', 'live', 'retired', 'files', 'bytes', 'rollback'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${[line(head), ...rows.map(line)].join('\n')}\n`);
  logger.info(
    `${result.releases.length} release(s) in ${result.target}${result.current ? `, current ${result.current}` : ', none current'}; ${formatBytes(result.totalBytes)} stored in all (shared files counted once)`,
  );
  return EXIT.ok;
};
export default command;
