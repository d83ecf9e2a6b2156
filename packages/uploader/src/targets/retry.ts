import type { Target } from './target.js';

/** How {@link withRetry} spaces attempts. */
export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  /** First backoff in milliseconds; doubles each attempt (full jitter). */
  baseDelayMs: number;
  /** Told before each new attempt, e.g. to log at debug level. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'InternalError',
  'ServiceUnavailable',
  // The server refused a body that did not match its Content-MD5 / payload hash: damaged on the way, so
  // another attempt sends the bytes again.
  'BadDigest',
  'XAmzContentSHA256Mismatch',
]);
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** Whether a failure is worth another attempt: 5xx, 429, throttling, timeouts and connection resets. */
export function isRetryable(error: unknown): boolean {
  const e = error as {
    retryable?: boolean;
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
    cause?: unknown;
  };
  if (!e || typeof e !== 'object') return false;
  if (e.retryable === true || e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  if (e.code && RETRYABLE_CODES.has(e.code)) return true;
  return e.cause !== undefined && e.cause !== error && isRetryable(e.cause);
}

/**
 * Run `fn` until it succeeds, a failure is not retryable, or attempts run out. Backoff is exponential with
 * full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"), so many workers hit by one
 * SlowDown storm do not come back in lockstep. `fn` must build its request body afresh on each call.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !isRetryable(error)) throw error;
      const delay = Math.round(Math.random() * options.baseDelayMs * 2 ** (attempt - 1));
      options.onRetry?.(error, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * The target with every request retried by {@link withRetry}: the one place retries are added, so the
 * engine's steps call the target as if it never failed transiently. `close` is not retried.
 */
export function withRetries(target: Target, options: RetryOptions): Target {
  const retry = <T>(fn: () => Promise<T>) => withRetry(fn, options);
  return {
    url: target.url,
    key: (path) => target.key(path),
    list: () => retry(() => target.list()),
    head: (path) => retry(() => target.head(path)),
    put: (request) => retry(() => target.put(request)),
    putText: (path, body, contentType, cacheControl) =>
      retry(() => target.putText(path, body, contentType, cacheControl)),
    readText: (path) => retry(() => target.readText(path)),
    remove: (path) => retry(() => target.remove(path)),
    removeMany: (objects) => retry(() => target.removeMany(objects)),
    close: () => target.close(),
  };
}
