// The `skewless` command line. This file only picks a command, maps errors to output and exit codes;
// each command parses its own flags (src/cli/*.ts) and calls the library API.

import { createLogger, SkewlessError } from '@skewless/core';
import pc from 'picocolors';
import type { Command } from './cli/command.js';
import { EXIT } from './cli/command.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ default: Command }> }> = {
  upload: {
    summary: 'upload a build directory to s3:// or file:// storage',
    load: () => import('./cli/upload.js'),
  },
  pack: {
    summary: 'write a build directory as a tar, for `skewless upload -` (the container flow)',
    load: () => import('./cli/pack.js'),
  },
  'dev-s3': {
    summary: 'run a local S3-compatible server to try Skewless without a cloud account',
    load: () => import('./cli/dev-s3.js'),
  },
  verify: {
    summary: 'request every immutable file through the CDN and check its bytes',
    load: () => import('./cli/verify.js'),
  },
  releases: {
    summary: 'list the releases a target holds, and which one is current',
    load: () => import('./cli/releases.js'),
  },
  rollback: {
    summary: 'make an earlier release current again, from its stored documents',
    load: () => import('./cli/rollback.js'),
  },
  prune: {
    summary: 'delete what only old, long-retired releases reference',
    load: () => import('./cli/prune.js'),
  },
  doctor: {
    summary: 'find (and with --fix abort) multipart uploads left open by a killed upload',
    load: () => import('./cli/doctor.js'),
  },
  'cdn-config': {
    summary: 'print CDN / cache configuration matching the emitted names',
    load: () => import('./cli/cdn-config.js'),
  },
  'check-determinism': {
    summary: 'build the project twice and diff the outputs',
    load: () => import('./cli/check-determinism.js'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: skewless <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'skewless <command> --help' for a command's options.\nExit codes: 0 ok, 1 failed, 2 usage error, 3 published but a --purge failed.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const verbose = rest.includes('--verbose');
  // Seen before any parsing, so CI that asked for JSON gets JSON for usage errors too, not an empty stdout.
  const json = argv.includes('--json');
  const logger = createLogger({ verbose });
  const fail = (code: string, message: string, exit: number) => {
    logger.error(message);
    if (json) process.stdout.write(`${failureJson(code, message)}\n`);
    return exit;
  };
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    const { createRequire } = await import('node:module');
    process.stdout.write(`${createRequire(import.meta.url)('../package.json').version}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    return fail(
      'INVALID_OPTIONS',
      `[skewless] unknown command '${name}'. Run 'skewless --help' for the list.`,
      EXIT.usage,
    );
  }
  try {
    const command = (await entry.load()).default;
    return await command(rest, { logger, verbose });
  } catch (error) {
    if (error instanceof SkewlessError) {
      const exit = fail(
        error.code,
        error.message,
        error.code === 'INVALID_OPTIONS' ? EXIT.usage : EXIT.failed,
      );
      if (verbose && error.stack) process.stderr.write(`${pc.dim(error.stack)}\n`);
      return exit;
    }
    const e = error as Error & { code?: string };
    if (e?.code?.startsWith('ERR_PARSE_ARGS')) {
      return fail(
        'INVALID_OPTIONS',
        `[skewless] ${e.message}. Run 'skewless ${name} --help' for the options.`,
        EXIT.usage,
      );
    }
    const exit = fail(
      'UNEXPECTED',
      `[skewless] unexpected error: ${e?.message ?? String(error)}${verbose ? '' : ' (run again with --verbose for the stack)'}`,
      EXIT.failed,
    );
    if (verbose && e?.stack) process.stderr.write(`${pc.dim(e.stack)}\n`);
    return exit;
  }
}

/**
 * The `--json` document of a failed command: the shape of a failed upload's result, `{ ok: false,
 * error: { code, message } }`, with `code` a {@link SkewlessError} code, or `UNEXPECTED` for a bug or a
 * raw system error.
 */
function failureJson(code: string, message: string): string {
  return JSON.stringify({ ok: false, error: { code, message } }, null, 2);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT.failed;
  },
);
