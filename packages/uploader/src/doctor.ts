import type { DoctorOptions } from '@skewless/core';
import { assertOptions, SkewlessError, silentLogger } from '@skewless/core';
import { openTarget } from './targets/open.js';
import { parseTarget } from './targets/parse.js';
import { withRetries } from './targets/retry.js';

/** How old an open multipart upload must be before `doctor` counts it, when `olderThanMs` is not given. */
export const DEFAULT_OLDER_THAN_MS = 24 * 60 * 60 * 1000;

/** One open multipart upload under the target, as `doctor` found (and perhaps aborted) it. */
export interface DoctorUpload {
  /** The key it was writing. */
  key: string;
  uploadId: string;
  /** When the server says it began (ISO 8601), when it says. */
  initiated?: string;
  /** Whether it is older than `olderThanMs`, so it counts. */
  stale: boolean;
  /** Whether this run aborted it. */
  aborted: boolean;
}

export interface DoctorResult {
  target: string;
  /** Every open multipart upload under the prefix, the recent ones too (marked not stale). */
  uploads: DoctorUpload[];
  /** The stale ones: with `fix`, aborted. */
  stale: number;
  aborted: number;
  fixed: boolean;
}

/**
 * Find the multipart uploads left open under the target's prefix (a deploy killed mid-upload, a
 * machine lost), which the storage keeps, and bills, until they are aborted; with `fix`, abort those
 * older than `olderThanMs` (one begun more recently may be a deploy running right now). Never touches
 * a finished object, nor anything outside the prefix.
 */
export async function doctor(options: DoctorOptions): Promise<DoctorResult> {
  const logger = options.logger ?? silentLogger;
  assertOptions(options, { command: 'doctor' });
  parseTarget(options.to);
  const olderThan = options.olderThanMs ?? DEFAULT_OLDER_THAN_MS;
  const target = withRetries(await openTarget(options), {
    attempts: options.attempts ?? 5,
    baseDelayMs: options.retryDelayMs ?? 200,
  });
  try {
    if (!target.incompleteUploads || !target.abortUpload) {
      logger.info(`${target.url} has no multipart uploads to check.`);
      return { target: target.url, uploads: [], stale: 0, aborted: 0, fixed: false };
    }
    const now = Date.now();
    const found = await target.incompleteUploads();
    const uploads: DoctorUpload[] = found.map((u) => ({
      key: target.key(u.path),
      uploadId: u.uploadId,
      ...(u.initiated === undefined ? {} : { initiated: new Date(u.initiated).toISOString() }),
      // A server that does not say when it began: count it only when every age counts.
      stale: u.initiated === undefined ? olderThan === 0 : now - u.initiated >= olderThan,
      aborted: false,
    }));
    const fix = (options.fix ?? false) && !options.dryRun;
    if (fix) {
      for (const [i, u] of found.entries()) {
        const report = uploads[i]!;
        if (!report.stale) continue;
        try {
          await target.abortUpload(u);
        } catch (error) {
          throw new SkewlessError(
            'UPLOAD_FAILED',
            `aborting the multipart upload of ${report.key} failed after ${uploads.filter((x) => x.aborted).length} were aborted: ${(error as Error).message}`,
            { cause: error },
          );
        }
        report.aborted = true;
        logger.debug(`aborted ${report.key} (upload ${u.uploadId})`);
      }
    }
    return {
      target: target.url,
      uploads,
      stale: uploads.filter((u) => u.stale).length,
      aborted: uploads.filter((u) => u.aborted).length,
      fixed: fix,
    };
  } finally {
    await target.close();
  }
}
