/** Stable error codes; the CLI maps them to exit codes and `--json` output. */
export type SkewlessErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_MANIFEST'
  | 'MISSING_CREDENTIALS'
  | 'IMMUTABLE_CONFLICT'
  | 'UPLOAD_FAILED'
  | 'VERIFY_FAILED'
  | 'NOT_DETERMINISTIC'
  | 'UNREACHABLE';

/**
 * An error whose message already says what is wrong and what to do next, prefixed `[skewless]`.
 * Anything else that escapes is a bug or a raw system error.
 */
export class SkewlessError extends Error {
  override name = 'SkewlessError';
  constructor(
    readonly code: SkewlessErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message.startsWith('[skewless]') ? message : `[skewless] ${message}`, options);
  }
}
