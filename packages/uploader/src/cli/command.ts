import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Logger } from '@skewless/core';
import { SkewlessError, unknownOptionProblem } from '@skewless/core';

type ParsedResults<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** A usage error (exit 2) of command `name`, pointing at its help. */
function usageError(name: string, problem: string): SkewlessError {
  return new SkewlessError('INVALID_OPTIONS', `${problem}. Run 'skewless ${name} --help' for the options.`);
}

/**
 * Documented exit codes of the `skewless` CLI. `purgeFailed`: the documents were published (the deploy
 * is live, nothing was rolled back) but a CDN purge asked for with --purge failed.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  purgeFailed: 3,
  /** Stopped by SIGINT (128 + 2, the shell's convention). */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + 15). */
  terminated: 143,
} as const;

export interface CommandContext {
  logger: Logger;
  verbose: boolean;
}

/**
 * One CLI command: parses its own flags (node:util `parseArgs`, `strict: true`), prints `--help`,
 * calls the library API, and returns an exit code. Throw `SkewlessError` for failures the user can fix.
 */
export type Command = (argv: string[], ctx: CommandContext) => Promise<number>;

/**
 * A command's flags parsed the one way every command parses them (`strict`, positionals allowed, `--help`
 * printed), with `usage(problem)` building its usage error. `help` is true when the help was printed: the
 * command then returns `EXIT.ok`.
 */
export function commandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  name: string,
  helpText: string,
  options: O,
) {
  const parsed = parseFlags({ args: argv, allowPositionals: true, strict: true, options }, name);
  const help = (parsed.values as { help?: boolean }).help === true;
  if (help) process.stdout.write(`${helpText}\n`);
  const usage = (problem: string) => usageError(name, problem);
  return { ...parsed, help, usage };
}

/**
 * `parseArgs` for a command, with an unknown flag reported as a usage error that names the flag meant
 * when one is close (`--htlm` → `--html`); Node's own message says nothing useful.
 */
export function parseFlags<const T extends ParseArgsConfig>(config: T, name: string): ParsedResults<T> {
  try {
    return parseArgs(config);
  } catch (error) {
    const unknown = /^Unknown option '(--?[^']+)'/.exec((error as Error).message)?.[1];
    if ((error as { code?: string }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || !unknown) throw error;
    const flags = Object.keys(config.options ?? {}).map((o) => `--${o}`);
    throw usageError(name, unknownOptionProblem(unknown, flags, (f) => f).replace(/\.$/, ''));
  }
}
