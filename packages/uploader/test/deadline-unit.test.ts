import { afterEach, describe, expect, it, vi } from 'vitest';
import { withDeadline } from '../src/targets/deadline.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A handler whose answer (no body) comes after `after` ms of the fake clock. */
const answerAfter = (after: number) => (_request: unknown, options?: { abortSignal?: AbortSignal }) =>
  new Promise<{ response: { body?: unknown } }>((resolve, reject) => {
    const timer = setTimeout(() => resolve({ response: {} }), after);
    options?.abortSignal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(options.abortSignal!.reason);
    });
  });

describe('withDeadline (fake clock)', () => {
  it('cuts a request whose answer is not complete within the deadline', async () => {
    vi.useFakeTimers();
    const handle = withDeadline(answerAfter(150), 100);
    const settled = handle({ headers: {} }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    await vi.advanceTimersByTimeAsync(200);
    expect(await settled).toBe('TimeoutError');
  });

  it("gives a request its body's time at a slow link's rate on top: 8 MiB is not cut at 100 ms", async () => {
    vi.useFakeTimers();
    const handle = withDeadline(answerAfter(150), 100);
    const settled = handle({ headers: { 'Content-Length': String(8 * 1024 * 1024) } }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    await vi.advanceTimersByTimeAsync(200);
    expect(await settled).toBe('answered');
  });
});
