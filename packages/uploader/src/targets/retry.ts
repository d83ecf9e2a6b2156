import type { Target } from './target.js';

/** How {@link withRetry} spaces attempts. */
export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  /** First backoff in milliseconds; doubles each attempt (full jitter). */
  baseDelayMs: number;
  /**
   * Told before each new attempt, e.g. to log at debug level; `askedMs` is the wait the server asked
   * for (Retry-After), when it asked.
   */
  onRetry?: (error: unknown, attempt: number, delayMs: number, askedMs?: number) => void;
}

/**
 * The longest wait a server's Retry-After is obeyed for before the next attempt. A longer ask is
 * cut to this, so a request's attempts stay bounded (`attempts` × (timeout + this) at most).
 */
export const MAX_RETRY_AFTER_MS = 20_000;

/**
 * The wait a failed response asked for: `Retry-After` in seconds or as an HTTP date (RFC 9110; R2,
 * B2, MinIO and proxies send it with 503 and 429), or `x-amz-retry-after` in milliseconds; capped at
 * {@link MAX_RETRY_AFTER_MS}. Undefined when the response asked for nothing usable.
 */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  const headers = (error as { $response?: { headers?: Record<string, string | undefined> } } | undefined)
    ?.$response?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  let asked: number | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string' || value.trim() === '') continue;
    const header = name.toLowerCase();
    if (header === 'x-amz-retry-after' && /^\d+$/.test(value.trim())) asked = Number(value);
    else if (header === 'retry-after') {
      const text = value.trim();
      if (/^\d+(\.\d+)?$/.test(text)) asked = Number(text) * 1000;
      else {
        const at = Date.parse(text);
        if (!Number.isNaN(at)) asked = Math.max(0, at - now);
      }
    }
  }
  return asked === undefined ? undefined : Math.min(Math.round(asked), MAX_RETRY_AFTER_MS);
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
 * SlowDown storm do not come back in lockstep; a server that says how long to wait (Retry-After) is
 * waited for at least that long. `fn` must build its request body afresh on each call.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt >= options.attempts) throw withAttempts(error, attempt);
      const asked = retryAfterMs(error);
      const delay = Math.max(
        asked ?? 0,
        Math.round(Math.random() * options.baseDelayMs * 2 ** (attempt - 1)),
      );
      options.onRetry?.(error, attempt, delay, asked);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** A message of ours that gave up after retries says how many attempts were made. */
function withAttempts(error: unknown, attempts: number): unknown {
  if (attempts > 1 && error instanceof Error && error.message.startsWith('[skewless]'))
    error.message = `${error.message} (gave up after ${attempts} attempts)`;
  return error;
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
    list: (expected) => retry(() => target.list(expected)),
    head: (path) => retry(() => target.head(path)),
    put: (request) =>
      retry(() => {
        request.attempts = (request.attempts ?? 0) + 1;
        return target.put(request);
      }),
    putText: (path, body, contentType, cacheControl) =>
      retry(() => target.putText(path, body, contentType, cacheControl)),
    readText: (path) => retry(() => target.readText(path)),
    remove: (path) => retry(() => target.remove(path)),
    removeMany: (objects) => retry(() => target.removeMany(objects)),
    ...(target.checksWhileSending && { checksWhileSending: (bytes) => target.checksWhileSending!(bytes) }),
    ...(target.incompleteUploads && { incompleteUploads: () => retry(() => target.incompleteUploads!()) }),
    ...(target.abortUpload && { abortUpload: (upload) => retry(() => target.abortUpload!(upload)) }),
    ...(target.abortInFlight && { abortInFlight: () => target.abortInFlight!() }),
    close: () => target.close(),
  };
}
