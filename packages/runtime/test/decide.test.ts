import { describe, expect, it } from 'vitest';
import { decide } from '../src/decide.js';

const W = 30_000;

describe('decide (the loop guard)', () => {
  it.each([
    ['a first failure online reloads', false, true, Number.POSITIVE_INFINITY, 'reload'],
    ['a first failure offline waits for online', false, false, Number.POSITIVE_INFINITY, 'wait'],
    ['never reloaded (no key: now - 0) reloads', false, true, Date.now(), 'reload'],
    ['a reload under way is joined', true, true, 5, 'pending'],
    ['a reload of this release 1 s ago surfaces', false, true, 1_000, 'surface'],
    ['a reload just now surfaces', false, true, 0, 'surface'],
    ['offline within the window still surfaces', false, false, 1_000, 'surface'],
    ['the window has passed: reload again', false, true, W, 'reload'],
    ['a timestamp from the future (clock went back) does not block', false, true, -5_000, 'reload'],
    ['a corrupt stored time (NaN) never reloads', false, true, Number.NaN, 'surface'],
    ['a corrupt stored time (NaN) offline does not wait either', false, false, Number.NaN, 'surface'],
  ] as const)('%s', (_name, pending, online, since, expected) => {
    expect(decide(pending, online, since, W)).toBe(expected);
  });
});
