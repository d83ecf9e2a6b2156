import { afterEach, describe, expect, it } from 'vitest';
import { install } from '../src/install.js';
import { retryImports } from '../src/retry.js';
import type { PreloadErrorEvent } from '../src/types.js';
import { type FakeWindow, fakeWindow, settle } from './fake-window.js';

const g = globalThis as { window?: unknown };
const FAILED = () =>
  new TypeError('Failed to fetch dynamically imported module: https://app.example/assets/x-1.js');

/**
 * Dispatches `vite:preloadError` as a preload helper that offers a retry does (the PreloadErrorEvent
 * contract), and returns what the app's import() then gets: the helper's never-settling promise unless the
 * event carries `skewlessResult`, or the error when the event was not prevented.
 */
function preloadError(
  fake: FakeWindow,
  retry: (() => Promise<unknown>) | undefined,
  payload: unknown = FAILED(),
) {
  const event = new Event('vite:preloadError', { cancelable: true }) as PreloadErrorEvent;
  event.payload = payload;
  if (retry) event.skewlessRetry = retry;
  fake.window.dispatchEvent(event);
  if (!event.defaultPrevented) {
    const rejected = Promise.reject(payload);
    rejected.catch(() => {}); // read through state() when a test asks, never unhandled
    return { event, result: rejected };
  }
  return { event, result: event.skewlessResult ?? new Promise(() => {}) };
}

/** The state of a promise after the microtasks ran. */
async function state(promise: Promise<unknown>): Promise<string> {
  let seen = 'pending';
  promise.then(
    (value) => {
      seen = `resolved ${String(value)}`;
    },
    (error) => {
      seen = `rejected ${(error as Error).message}`;
    },
  );
  await settle();
  return seen;
}

describe('retryImports', () => {
  const stops: (() => void)[] = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    delete g.window;
  });
  /** The runtime, then retryImports(): the runtime's listener asks it first whatever the order. */
  function setup(fake: FakeWindow) {
    g.window = fake.window;
    stops.push(install(), retryImports());
  }

  it('a retry that loads: the import resolves with it, no reload, nothing counted', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'aaa' });
    setup(fake);
    let calls = 0;
    const { event, result } = preloadError(fake, async () => {
      calls++;
      return 'module';
    });
    expect(event.defaultPrevented).toBe(true);
    expect(await state(result)).toBe('resolved module');
    expect(calls).toBe(1);
    expect(fake.reloads).toHaveLength(0);
    expect(fake.storage.items.size).toBe(0);
  });

  it('a retry that fails the same way: one guarded reload, the import stays pending', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    setup(fake);
    let calls = 0;
    const { result } = preloadError(fake, async () => {
      calls++;
      throw FAILED();
    });
    expect(await state(result)).toBe('pending');
    expect(calls).toBe(1);
    expect(fake.reloads).toHaveLength(1);
    expect(fake.storage.items.get('skewless:#reload')).toContain(
      'Failed to fetch dynamically imported module',
    );
  });

  it('a retry that fails within the loop guard: no reload, the error reaches the app', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    fake.storage.setItem('skewless:aaa', String(Date.now()));
    setup(fake);
    const { result } = preloadError(fake, () => Promise.reject(FAILED()));
    expect(await state(result)).toMatch(/^rejected Failed to fetch/);
    expect(fake.reloads).toHaveLength(0);
  });

  it('no retry offered (a CSS preload, a helper without it): the runtime reloads as before', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    setup(fake);
    const { event, result } = preloadError(fake, undefined, new Error('Unable to preload CSS for /x.css'));
    expect(event.defaultPrevented).toBe(true);
    expect(event.skewlessResult).toBeUndefined();
    expect(await state(result)).toBe('pending');
    expect(fake.reloads).toHaveLength(1);
  });

  it('not retried where it cannot help: a module that threw while it ran, offline, a reload under way', async () => {
    const threw = fakeWindow({ current: 'aaa' });
    setup(threw);
    let calls = 0;
    const retry = async () => void calls++;
    preloadError(threw, retry, new ReferenceError('process is not defined'));
    expect(threw.reloads).toHaveLength(1);
    // The reload under way: a second failure joins it.
    preloadError(threw, retry);
    for (const stop of stops.splice(0)) stop();

    const offline = fakeWindow({ current: 'aaa', online: false });
    setup(offline);
    const { result } = preloadError(offline, retry);
    expect(await state(result)).toBe('pending');
    offline.goOnline();
    expect(offline.reloads).toHaveLength(1);
    expect(calls).toBe(0);
  });

  it('in either order: retryImports() before install() takes the failure too', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    g.window = fake.window;
    stops.push(retryImports(), install());
    const { result } = preloadError(fake, async () => 'module');
    expect(await state(result)).toBe('resolved module');
    expect(fake.reloads).toHaveLength(0);
  });

  it('without the runtime installed it does nothing', () => {
    const fake = fakeWindow({ current: 'aaa' });
    g.window = fake.window;
    stops.push(retryImports());
    let calls = 0;
    const { event } = preloadError(fake, async () => void calls++);
    expect(event.defaultPrevented).toBe(false);
    expect(calls).toBe(0);
  });

  it('stopping hands failures back to the runtime alone', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    g.window = fake.window;
    stops.push(install());
    retryImports()();
    let calls = 0;
    const { event } = preloadError(fake, async () => void calls++);
    expect(event.defaultPrevented).toBe(true);
    expect(event.skewlessResult).toBeUndefined();
    expect(calls).toBe(0);
    expect(fake.reloads).toHaveLength(1);
  });
});
