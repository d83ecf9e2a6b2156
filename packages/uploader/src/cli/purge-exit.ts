import type { PurgeReport } from '@skewless/core';
import { EXIT } from './command.js';

/**
 * The exit code of a command that published documents: 3 when a purge failed. Not 1: the deploy is
 * live and nothing was rolled back, so a CI step that retries "failed" deploys must not redo it; not 0:
 * a CDN may serve the previous documents until its cache expires, and a warning alone goes unseen.
 */
export function purgeExit(purge: readonly PurgeReport[] | undefined): number {
  return purge?.some((p) => !p.ok) ? EXIT.purgeFailed : EXIT.ok;
}
