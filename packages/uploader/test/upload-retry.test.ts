import { describe, expect, it } from 'vitest';
import { isRetryable, withRetry } from '../src/targets/retry.js';

describe('withRetry', () => {
  it('retries 5xx, SlowDown, throttling and connection resets, then succeeds', async () => {
    const failures = [
      Object.assign(new Error('x'), { $metadata: { httpStatusCode: 500 } }),
      Object.assign(new Error('x'), { name: 'SlowDown' }),
      Object.assign(new Error('x'), { name: 'ThrottlingException' }),
      Object.assign(new Error('x'), { code: 'ECONNRESET' }),
      Object.assign(new Error('x'), { name: 'TimeoutError' }),
    ];
    const seen: number[] = [];
    const value = await withRetry(
      async (attempt) => {
        seen.push(attempt);
        const failure = failures[attempt - 1];
        if (failure) throw failure;
        return 'ok';
      },
      { attempts: 6, baseDelayMs: 1 },
    );
    expect(value).toBe('ok');
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives up at once on a client error, and after the last attempt on a retryable one', async () => {
    let calls = 0;
    const denied = Object.assign(new Error('denied'), { $metadata: { httpStatusCode: 403 } });
    await expect(
      withRetry(
        async () => {
          calls++;
          throw denied;
        },
        { attempts: 5, baseDelayMs: 1 },
      ),
    ).rejects.toBe(denied);
    expect(calls).toBe(1);

    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw Object.assign(new Error('busy'), { $metadata: { httpStatusCode: 503 } });
        },
        { attempts: 3, baseDelayMs: 1 },
      ),
    ).rejects.toThrow('busy');
    expect(calls).toBe(3);
  });

  it('looks through error causes (the SDK wraps socket errors)', () => {
    expect(
      isRetryable(new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'EPIPE' }) })),
    ).toBe(true);
    expect(isRetryable(new Error('plain'))).toBe(false);
  });
});
