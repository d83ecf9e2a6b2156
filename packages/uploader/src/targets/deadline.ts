import type { Readable } from 'node:stream';

/** The SDK's HTTP handler as far as a deadline needs it (`@smithy/node-http-handler`'s `handle`). */
export type HttpHandle = (
  request: unknown,
  options?: { abortSignal?: AbortSignal; requestTimeout?: number },
) => Promise<{ response: { body?: unknown } }>;

/** The rate a request body is given time for on top of the deadline: 32 kB/s, a poor uplink. */
const SLOW_LINK_BYTES_PER_MS = 32;

/** The request body's length as the SDK declared it (Content-Length), 0 without one. */
function bodyBytes(request: unknown): number {
  const headers = (request as { headers?: Record<string, string | undefined> })?.headers ?? {};
  const name = Object.keys(headers).find((h) => h.toLowerCase() === 'content-length');
  const bytes = Number(name === undefined ? 0 : headers[name]);
  return Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
}

/** What a request that ran out of time fails with: a TimeoutError, which retry.ts retries. */
export function deadlineError(ms: number): Error {
  return Object.assign(
    new Error(`the answer was not complete within ${ms} ms (the whole request, its body included)`),
    { name: 'TimeoutError', code: 'ETIMEDOUT' },
  );
}

/**
 * `handle` with one deadline over each request, from the first byte sent to the last byte of the answer
 * (plus the time its body takes at a slow link's rate).
 * The SDK's requestTimeout stops at the answer's headers and its socket timeout is an idle timeout, so a
 * server that sends a byte every few hundred ms keeps either from ever firing: a listing or a record read
 * would wait for hours. A request past its deadline is cut (the socket destroyed, never reused) and fails
 * with {@link deadlineError}; retry.ts tries it again like any transient failure, a bounded number of times.
 */
export function withDeadline(handle: HttpHandle, ms: number): HttpHandle {
  return async (request, options = {}) => {
    // Sending the body counts too: a part of 8 MiB on a slow uplink must not be cut while it is still
    // moving, so each request gets its body's time at a slow link's rate on top of the deadline.
    const limit = ms + Math.ceil(bodyBytes(request) / SLOW_LINK_BYTES_PER_MS);
    const controller = new AbortController();
    let body: Readable | undefined;
    const timer = setTimeout(() => {
      // Before the answer the SDK's own abort path cuts the request; after it, the body is the
      // caller's to read, so it fails where it is read.
      if (body) body.destroy(deadlineError(limit));
      else controller.abort(deadlineError(limit));
    }, limit);
    // Never what keeps the process alive: a body nobody reads must not hold it for `ms`.
    timer.unref();
    const signal = options.abortSignal
      ? AbortSignal.any([controller.signal, options.abortSignal])
      : controller.signal;
    let out: Awaited<ReturnType<HttpHandle>>;
    try {
      out = await handle(request, { ...options, abortSignal: signal });
    } catch (error) {
      clearTimeout(timer);
      if (controller.signal.aborted) throw Object.assign(deadlineError(limit), { cause: error });
      throw error;
    }
    const stream = out.response.body as Readable | undefined;
    if (
      stream &&
      typeof stream.destroy === 'function' &&
      typeof stream.once === 'function' &&
      !stream.destroyed
    ) {
      body = stream;
      const done = () => clearTimeout(timer);
      stream.once('end', done);
      stream.once('close', done);
      stream.once('error', done);
    } else {
      clearTimeout(timer);
    }
    return out;
  };
}
