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

/**
 * A build file the process may not read (EACCES, EPERM) as the error to show: the file named, with the
 * fix. Any other error is returned as it is. Every reader of a build file passes its errors through this,
 * so an unreadable file never surfaces as a bare "unexpected error".
 */
export function unreadableFile(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'EACCES' && code !== 'EPERM') return error;
  return new SkewlessError(
    'INVALID_OPTIONS',
    `cannot read ${path} (${code}: permission denied). Skewless reads every file of the build it uploads: make the file readable by the user running it (chmod a+r), or remove it from the build, then run again.`,
    { cause: error },
  );
}
