import { describe, expect, it } from 'vitest';
import { createLimiter, mapLimit } from '../src/index.js';

/** A promise with its resolve and reject, to settle calls in a chosen order. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('the one concurrency pool', () => {
  it('mapLimit keeps order and never runs more than the limit at once', async () => {
    let active = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      active++;
      most = Math.max(most, active);
      await new Promise((r) => setImmediate(r));
      active--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('mapLimit stops new work at the first failure and throws only once the calls in flight settled', async () => {
    const slow = deferred();
    const started: number[] = [];
    let settled = false;
    const run = mapLimit([0, 1, 2, 3, 4], 2, async (i) => {
      started.push(i);
      if (i === 0) {
        await slow.promise;
        settled = true;
        return i;
      }
      if (i === 1) throw new Error('item 1 failed');
      return i;
    });
    const outcome = run.then(
      () => 'resolved',
      (error: Error) => ({ error: error.message, settledFirst: settled }),
    );
    // Item 1 failed while item 0 is still in flight: nothing new may start, and the call must not end yet.
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    slow.resolve();
    expect(await outcome).toEqual({ error: 'item 1 failed', settledFirst: true });
    expect(started).toEqual([0, 1]);
  });

  it('mapLimit of nothing is nothing', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });

  it('createLimiter hands a finished slot to the next waiter, first come first served', async () => {
    const limit = createLimiter(1);
    const gates = [deferred(), deferred(), deferred()];
    const order: number[] = [];
    const runs = gates.map((g, i) =>
      limit(async () => {
        order.push(i);
        await g.promise;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([0]);
    gates[0]!.resolve();
    await runs[0];
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([0, 1]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await Promise.all(runs);
    expect(order).toEqual([0, 1, 2]);
  });
});
