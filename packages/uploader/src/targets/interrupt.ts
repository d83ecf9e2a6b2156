import { SkewlessError } from '@skewless/core';
import type { Target } from './target.js';

/** The error an interrupted upload ends with. */
export function interrupted(target: Target, aborted?: number): SkewlessError {
  const parts =
    aborted === undefined || aborted === 0
      ? ''
      : ` ${aborted} multipart upload(s) in flight were aborted, so the storage frees their parts.`;
  return new SkewlessError(
    'UPLOAD_FAILED',
    `interrupted: the upload to ${target.url} stopped before its documents, so no page points at a file it lacks.${parts} Run the same command again to finish it.`,
  );
}

/** Throws {@link interrupted} once `signal` is aborted. */
export function throwIfInterrupted(signal: AbortSignal | undefined, target: Target): void {
  if (signal?.aborted) throw interrupted(target);
}

/**
 * The target, stopped by `signal`: once it is aborted no write starts, and the multipart uploads in
 * flight are aborted at once (their parts would otherwise be billed until a lifecycle rule removes them).
 */
export function withSignal(target: Target, signal: AbortSignal | undefined): Target {
  if (!signal) return target;
  let aborting: Promise<number> | undefined;
  const stop = () => {
    aborting ??= target.abortInFlight?.() ?? Promise.resolve(0);
    return aborting;
  };
  if (signal.aborted) void stop();
  else signal.addEventListener('abort', () => void stop(), { once: true });
  const guarded =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (signal.aborted) throw interrupted(target, await stop());
      try {
        return await write(...args);
      } catch (error) {
        // A write cut short by the abort fails as "interrupted", not with the SDK's abort error.
        if (signal.aborted) throw interrupted(target, await stop());
        throw error;
      }
    };
  // Targets are plain objects of closures (no `this`), so the rest passes through as it is.
  return {
    ...target,
    put: guarded((request) => target.put(request)),
    putText: guarded((path: string, body: string, contentType: string, cacheControl: string) =>
      target.putText(path, body, contentType, cacheControl),
    ),
  };
}
