import type { UploadOptions, UploadResult } from '@skewless/core';
import { hashFormatProblem, SkewlessError } from '@skewless/core';
import { createProgressLine, formatBytes } from '../upload/progress.js';
import { upload } from '../upload/upload.js';
import type { Command } from './command.js';
import { commandArgs, EXIT } from './command.js';
import { purgeExit } from './purge-exit.js';
import {
  checkFlags,
  flagNumber,
  PURGE_FLAGS,
  PURGE_FLAGS_HELP,
  TARGET_FLAGS,
  TARGET_FLAGS_HELP,
  targetOptions,
} from './target-flags.js';

const HELP = `Usage: skewless upload <dir> --to <s3://bucket/prefix | file:///path> [options]
       skewless upload - --to …              (a tar of the build on standard input)
       skewless upload --from-tar <file> --to …

Uploads a build: immutable and public files first, then a verifying listing, then (with --html) the
documents: HTML and the control files that name the release's files (sw.js, importmap.json,
remoteEntry.js…). Files the target already holds are skipped; other bytes under a hashed name stop the
upload before anything is written. Without .skewless/manifest.json, files are classed by name.

A tar (from 'skewless pack', 'tar -c -C dist .', 'docker cp <container>:/app/dist -'; plain or
gzipped) is extracted into a private temporary folder, removed afterwards, and uploaded as that folder.
Entries outside the build (../, absolute paths) and anything but files and folders (links, devices)
are refused before anything is uploaded.

Options:
  --to <url>            target: s3://bucket/prefix or file:///absolute/path (required)
  --from-tar <file>     upload the build a tar file holds ('-' for standard input)
  --strip <n>           leading path parts to drop from the tar's entries (default 0, or 1 when
                        the tar holds one folder with the build's manifest inside)
  --base-url <url>      the build's public URL through the CDN (https://cdn.example.com/app/):
                        every immutable file must answer 200 with its bytes there before any
                        document is published
  --hash-length <n>     for a build without a manifest, the hash in its names: <n> characters
  --hash-characters <c> of <c>, hex or base64 (base64url); default: read from the names (8 hex
                        or 8 base64url, the bundlers' defaults)
  --label <name>        a name for the release in 'skewless releases' and rollback (a commit,
                        a version); default the CI's commit (GITHUB_SHA, CI_COMMIT_SHA, ...)
  --html                also upload documents (HTML, skewless.json, control files) after the assets
  --force               overwrite hashed names that hold other bytes (repair only)
${PURGE_FLAGS_HELP}
                        (default the --base-url)
${TARGET_FLAGS_HELP}
  --acl public-read     send a public-read ACL (off by default)
  --header 'K: V'       extra header on every object (repeatable)
  --include-private     also upload private files (source maps)
  --verbose             explain each decision; stacks on errors
  -h, --help            show this help

Credentials come from the standard AWS chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ...
Exit codes: 0 ok, 1 failed (nothing or only assets written), 2 usage error, 3 published but a
--purge failed (the new documents are live; the warning says how to purge by hand).`;

const command: Command = async (argv, { logger, verbose }) => {
  const { values, positionals, help, usage } = commandArgs(argv, 'upload', HELP, {
    ...TARGET_FLAGS,
    html: { type: 'boolean' },
    force: { type: 'boolean' },
    acl: { type: 'string' },
    header: { type: 'string', multiple: true },
    'include-private': { type: 'boolean' },
    label: { type: 'string' },
    'base-url': { type: 'string' },
    'from-tar': { type: 'string' },
    strip: { type: 'string' },
    'hash-length': { type: 'string' },
    'hash-characters': { type: 'string' },
    ...PURGE_FLAGS,
  });
  if (help) return EXIT.ok;
  const fromTar = values['from-tar'];
  if (fromTar !== undefined ? positionals.length !== 0 : positionals.length !== 1)
    throw usage(
      fromTar !== undefined
        ? '--from-tar names the build: give no build directory with it'
        : "give exactly one build directory (or '-' for a tar on standard input)",
    );
  const tar = fromTar ?? (positionals[0] === '-' ? '-' : undefined);
  const target = targetOptions(values, usage);
  const headers: Record<string, string> = {};
  for (const header of values.header ?? []) {
    const colon = header.indexOf(':');
    const name = header.slice(0, colon).trim();
    if (colon < 1 || !/^[A-Za-z0-9-]+$/.test(name)) throw usage(`--header '${header}' is not 'Name: value'`);
    headers[name] = header.slice(colon + 1).trim();
  }

  let hash: UploadOptions['hash'];
  if (values['hash-length'] !== undefined || values['hash-characters'] !== undefined) {
    hash = {
      length: values['hash-length'] === undefined ? 8 : Number(values['hash-length']),
      characters: (values['hash-characters'] ?? 'hex') as 'hex' | 'base64',
    };
    const problem = hashFormatProblem(hash);
    if (problem) throw usage(`--hash-length / --hash-characters: ${problem}`);
  }

  const json = values.json ?? false;
  const tty = !json && process.stderr.isTTY === true;
  const progress = tty ? createProgressLine(process.stderr) : undefined;
  const options: UploadOptions = {
    ...target,
    dir: tar === undefined ? positionals[0] : undefined,
    tar,
    strip: flagNumber(values.strip) as number | undefined,
    hash,
    html: values.html,
    force: values.force,
    acl: values.acl as 'public-read' | undefined,
    headers,
    includePrivate: values['include-private'],
    label: values.label,
    verifyUrl: values['base-url'],
    purge: values.purge,
    publicUrl: values['public-url'],
    logger,
    onProgress: progress?.onProgress,
  };
  checkFlags(options, 'upload', usage);

  // Ctrl-C or a CI runner's SIGTERM: stop sending, abort the multipart uploads in flight (their parts
  // would be billed until a lifecycle rule), publish nothing, and exit 130 / 143. A second signal
  // exits at once.
  const stop = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(signal === 'SIGINT' ? 130 : 143);
    signalled = signal;
    logger.warn(`${signal}: stopping; aborting what is in flight (send ${signal} again to quit at once)`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  options.signal = stop.signal;

  let result: UploadResult;
  try {
    result = await upload(options);
  } catch (error) {
    // cli.ts reports it, on stdout too with --json.
    progress?.clear();
    if (signalled) {
      const e = error as Error;
      logger.error(e instanceof SkewlessError ? e.message : `[skewless] interrupted: ${e?.message}`);
      if (json)
        process.stdout.write(
          `${JSON.stringify({ ok: false, error: { code: 'INTERRUPTED', message: e?.message } }, null, 2)}\n`,
        );
      return signalled === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  progress?.clear();

  if (verbose || result.dryRun) {
    for (const f of result.files) {
      if (f.action === 'omit' && !verbose) continue;
      const verb = result.dryRun && f.action === 'upload' ? 'would upload' : f.action;
      logger.info(`${verb.padEnd(12)} ${f.key} (${f.class}, ${formatBytes(f.bytes)}): ${f.reason}`);
    }
  }
  if (json)
    process.stdout.write(`${JSON.stringify({ ok: result.conflicts.length === 0, ...result }, null, 2)}\n`);
  const summary = `${result.dryRun ? 'dry run: would upload' : 'uploaded'} ${result.uploaded} file(s) (${formatBytes(result.bytes)}), skipped ${result.skipped} already there, in ${result.seconds.toFixed(1)} s → ${result.target} (release ${result.release})`;
  logger.info(summary);
  if (result.conflicts.length > 0) {
    logger.error(
      `${result.conflicts.length} immutable name(s) hold other bytes in the target: ${result.conflicts.join(', ')}. A real upload would stop; check the build's determinism, or use --force to repair.`,
    );
    return EXIT.failed;
  }
  const omittedDocs = result.files.filter((f) => f.action === 'omit' && f.class === 'document').length;
  if (omittedDocs > 0 && !options.html) {
    logger.info(`${omittedDocs} document(s) left out: pass --html to publish them after the assets.`);
  }
  return purgeExit(result.purge);
};
export default command;
