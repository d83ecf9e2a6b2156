import { describe, expect, it } from 'vitest';
import { decide } from '../src/decide.js';

const W = 30_000;

// A reload under way is joined before deciding (handler.test.ts: 'joins a reload under way').
describe('decide (the loop guard)', () => {
  it.each([
    ['a first failure online reloads', true, Number.POSITIVE_INFINITY, 'reload'],
    ['a first failure offline waits for online', false, Number.POSITIVE_INFINITY, 'wait'],
    ['never reloaded (no key: now - 0) reloads', true, Date.now(), 'reload'],
    ['a reload of this release 1 s ago surfaces', true, 1_000, 'surface'],
    ['a reload just now surfaces', true, 0, 'surface'],
    ['offline within the window still surfaces', false, 1_000, 'surface'],
    ['the window has passed: reload again', true, W, 'reload'],
    ['a timestamp from the future (clock went back) does not block', true, -5_000, 'reload'],
    ['a corrupt stored time (NaN) never reloads', true, Number.NaN, 'surface'],
    ['a corrupt stored time (NaN) offline does not wait either', false, Number.NaN, 'surface'],
  ] as const)('%s', (_name, online, since, expected) => {
    expect(decide(online, since, W)).toBe(expected);
  });
});
