import type { Readable } from 'node:stream';

/** The SDK's HTTP handler as far as a deadline needs it (`@smithy/node-http-handler`'s `handle`). */
type HttpHandle = (
  request: unknown,
  options?: { abortSignal?: AbortSignal; requestTimeout?: number },
) => Promise<{ response: { body?: unknown } }>;

/** What a request that ran out of time fails with: a TimeoutError, which retry.ts retries. */
export function deadlineError(ms: number): Error {
  return Object.assign(
    new Error(`the answer was not complete within ${ms} ms (the whole request, its body included)`),
    { name: 'TimeoutError', code: 'ETIMEDOUT' },
  );
}

/**
 * `handle` with one deadline over each request, from the first byte sent to the last byte of the answer.
 * The SDK's requestTimeout stops at the answer's headers and its socket timeout is an idle timeout, so a
 * server that sends a byte every few hundred ms keeps either from ever firing: a listing or a record read
 * would wait for hours. A request past its deadline is cut (the socket destroyed, never reused) and fails
 * with {@link deadlineError}; retry.ts tries it again like any transient failure, a bounded number of times.
 */
export function withDeadline(handle: HttpHandle, ms: number): HttpHandle {
  return async (request, options = {}) => {
    const controller = new AbortController();
    let body: Readable | undefined;
    const timer = setTimeout(() => {
      // Before the answer the SDK's own abort path cuts the request; after it, the body is the
      // caller's to read, so it fails where it is read.
      if (body) body.destroy(deadlineError(ms));
      else controller.abort(deadlineError(ms));
    }, ms);
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
      if (controller.signal.aborted) throw Object.assign(deadlineError(ms), { cause: error });
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
