import type { Logger } from '@skewless/core';

/**
 * Documented exit codes of the `skewless` CLI. `purgeFailed`: the documents were published (the deploy
 * is live, nothing was rolled back) but a CDN purge asked for with --purge failed.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, purgeFailed: 3 } as const;

export interface CommandContext {
  logger: Logger;
  verbose: boolean;
}

/**
 * One CLI command: parses its own flags (node:util `parseArgs`, `strict: true`), prints `--help`,
 * calls the library API, and returns an exit code. Throw `SkewlessError` for failures the user can fix.
 */
export type Command = (argv: string[], ctx: CommandContext) => Promise<number>;
