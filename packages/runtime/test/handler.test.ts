import { describe, expect, it } from 'vitest';
import { STORAGE_PREFIX } from '../src/constants.js';
import { createHandler, sharedState } from '../src/handler.js';
import type { SkewInfo } from '../src/types.js';
import { FakeStorage, type FakeWindow, fakeWindow, settle } from './fake-window.js';

/** Installs options the way install() does and records what onSkew and the reload event saw. */
function setup(fake: FakeWindow, cancel = false) {
  const seen: SkewInfo[] = [];
  const events: SkewInfo[] = [];
  sharedState(fake.window).o = { onSkew: (info) => seen.push({ ...info }) };
  fake.window.addEventListener('skewless:reload', (event) => {
    events.push({ ...(event as CustomEvent<SkewInfo>).detail });
    if (cancel) event.preventDefault();
  });
  return { fail: createHandler(fake.window), seen, events };
}

describe('createHandler', () => {
  it('reloads once when the live release is newer, fetching it with no-store', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    const { fail, seen, events } = setup(fake);
    expect(fail(new Error('chunk'))).toBe(true);
    await settle();
    expect(fake.reloads).toHaveLength(1);
    expect(fake.fetched).toEqual(['https://app.example/users/skewless.json no-store']);
    expect(seen).toMatchObject([{ action: 'reload', reason: 'new-release', current: 'aaa', live: 'bbb' }]);
    expect(events).toMatchObject([{ action: 'reload', reason: 'load-error', current: 'aaa' }]);
    expect(fake.storage.items.has(`${STORAGE_PREFIX}aaa`)).toBe(true);
  });

  it('resolves the release URL from the options, else from the guard', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'aaa' });
    sharedState(fake.window).u = '/app/skewless.json';
    createHandler(fake.window)();
    await settle();
    expect(fake.fetched).toEqual(['https://app.example/app/skewless.json no-store']);
  });

  it('same release: reloads once, then surfaces the error on the next page within the window', async () => {
    const first = fakeWindow({ current: 'aaa', live: 'aaa' });
    const one = setup(first);
    expect(one.fail()).toBe(true);
    await settle();
    expect(one.seen).toMatchObject([{ action: 'reload', reason: 'same-release' }]);
    expect(first.reloads).toHaveLength(1);

    const second = first.reloadPage();
    const two = setup(second);
    expect(two.fail()).toBe(false);
    await settle();
    expect(second.reloads).toHaveLength(0);
    expect(second.fetched).toEqual([]);
    expect(two.seen).toMatchObject([{ action: 'surface', reason: 'loop-guard', current: 'aaa' }]);
  });

  it('a new release gets its own reload even right after one for the old release', async () => {
    const storage = new FakeStorage();
    storage.setItem(`${STORAGE_PREFIX}aaa`, String(Date.now()));
    const fake = fakeWindow({ current: 'bbb', live: 'ccc', storage });
    expect(setup(fake).fail()).toBe(true);
    await settle();
    expect(fake.reloads).toHaveLength(1);
  });

  it('reloads again once the window has passed', async () => {
    const storage = new FakeStorage();
    storage.setItem(`${STORAGE_PREFIX}aaa`, String(Date.now() - 30_001));
    const fake = fakeWindow({ current: 'aaa', live: 'aaa', storage });
    expect(setup(fake).fail()).toBe(true);
    await settle();
    expect(fake.reloads).toHaveLength(1);
  });

  it('honours a custom window', async () => {
    const storage = new FakeStorage();
    storage.setItem(`${STORAGE_PREFIX}aaa`, String(Date.now() - 5_000));
    const fake = fakeWindow({ current: 'aaa', storage });
    sharedState(fake.window).o = { windowMs: 60_000 };
    expect(createHandler(fake.window)()).toBe(false);
  });

  it('never reloads when sessionStorage cannot be read', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb', storageDenied: true });
    const { fail, seen } = setup(fake);
    expect(fail()).toBe(false);
    await settle();
    expect(fake.reloads).toHaveLength(0);
    expect(seen).toMatchObject([{ action: 'surface', reason: 'no-storage' }]);
  });

  it('never reloads when sessionStorage cannot be written (quota, private mode)', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb', storage: new FakeStorage(true) });
    const { fail, seen } = setup(fake);
    expect(fail()).toBe(false);
    await settle();
    expect(fake.reloads).toHaveLength(0);
    expect(seen).toMatchObject([{ action: 'surface', reason: 'no-storage' }]);
  });

  it('offline: waits, and reloads only after the online event', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'aaa', online: false });
    const { fail, seen } = setup(fake);
    expect(fail()).toBe(true);
    await settle();
    expect(fake.reloads).toHaveLength(0);
    expect(seen).toMatchObject([{ action: 'wait', reason: 'offline' }]);
    fake.goOnline();
    await settle();
    expect(fake.reloads).toHaveLength(1);
    expect(seen[1]).toMatchObject({ action: 'reload', reason: 'offline', live: 'aaa' });
  });

  it('joins a reload under way: many failures, one reload', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    const { fail, seen } = setup(fake);
    expect([fail(), fail(), fail()]).toEqual([true, true, true]);
    await settle();
    expect(fake.reloads).toHaveLength(1);
    expect(seen).toHaveLength(1);
  });

  it('a cancelled skewless:reload: asked before deciding, the error reaches the app, asked again next time', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    const { fail, seen, events } = setup(fake, true);
    // false: install() must not prevent vite:preloadError, so the failed import rejects in the app.
    expect(fail()).toBe(false);
    // Asked synchronously, before any fetch: the reason cannot tell new from same release yet.
    expect(events).toMatchObject([{ action: 'reload', reason: 'load-error', current: 'aaa' }]);
    expect(seen).toMatchObject([{ action: 'cancelled', reason: 'load-error', current: 'aaa' }]);
    await settle();
    expect(fake.fetched).toEqual([]);
    expect(fake.reloads).toHaveLength(0);
    expect(fake.storage.items.size).toBe(0);
    expect(sharedState(fake.window).p).toBeFalsy();
    expect(fail()).toBe(false);
    await settle();
    expect(events).toHaveLength(2);
    expect(fake.reloads).toHaveLength(0);
  });

  it('offline and cancelled: no wait, the error reaches the app', async () => {
    const fake = fakeWindow({ current: 'aaa', online: false });
    const { fail, seen, events } = setup(fake, true);
    expect(fail()).toBe(false);
    expect(events).toMatchObject([{ action: 'wait', reason: 'offline' }]);
    expect(seen).toMatchObject([{ action: 'cancelled', reason: 'offline' }]);
    fake.goOnline();
    await settle();
    expect(fake.reloads).toHaveLength(0);
  });

  it('the event is dispatched before the handler returns; the release fetch refines onSkew only', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    const { fail, seen, events } = setup(fake);
    expect(fail()).toBe(true);
    expect(events).toMatchObject([{ action: 'reload', reason: 'load-error' }]);
    expect(seen).toEqual([]);
    await settle();
    expect(seen).toMatchObject([{ action: 'reload', reason: 'new-release', live: 'bbb' }]);
    expect(fake.reloads).toHaveLength(1);
  });

  it('counts the reload again at reload time: an offline wait longer than the window stays guarded', async () => {
    let clock = 1_000_000;
    const realNow = Date.now;
    Date.now = () => clock;
    try {
      const fake = fakeWindow({ current: 'aaa', live: 'aaa', online: false });
      const { fail } = setup(fake);
      expect(fail()).toBe(true);
      expect(fake.storage.items.get(`${STORAGE_PREFIX}aaa`)).toBe('1000000');
      clock += 45_000; // offline for longer than the 30 s window
      fake.goOnline();
      await settle();
      expect(fake.reloads).toHaveLength(1);
      expect(fake.storage.items.get(`${STORAGE_PREFIX}aaa`)).toBe('1045000');
      // The reloaded page, one second later, fails the same way: the guard holds.
      clock += 1_000;
      const next = fake.reloadPage();
      expect(setup(next).fail()).toBe(false);
    } finally {
      Date.now = realNow;
    }
  });

  it('a corrupt stored time reads as a recent reload: the error surfaces', async () => {
    const storage = new FakeStorage();
    storage.setItem(`${STORAGE_PREFIX}aaa`, 'not a time');
    const fake = fakeWindow({ current: 'aaa', live: 'bbb', storage });
    const { fail, seen } = setup(fake);
    expect(fail()).toBe(false);
    await settle();
    expect(fake.reloads).toHaveLength(0);
    expect(seen).toMatchObject([{ action: 'surface', reason: 'loop-guard' }]);
  });

  it('an unreadable release file still reloads once, as same-release', async () => {
    const fake = fakeWindow({ current: 'aaa', live: new Error('offline server') });
    const { fail, seen } = setup(fake);
    expect(fail()).toBe(true);
    await settle();
    expect(fake.reloads).toHaveLength(1);
    expect(seen[0]).toMatchObject({ reason: 'same-release' });
    expect(seen[0]?.live).toBeUndefined();
  });

  it('a throwing onSkew does not stop the reload', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    sharedState(fake.window).o = {
      onSkew: () => {
        throw new Error('telemetry down');
      },
    };
    createHandler(fake.window)();
    await settle();
    expect(fake.reloads).toHaveLength(1);
  });

  it('works without a meta tag (dev server, plugin absent): one reload per window', async () => {
    const fake = fakeWindow({ live: 'bbb' });
    expect(setup(fake).fail()).toBe(true);
    await settle();
    expect(setup(fake.reloadPage()).fail()).toBe(false);
  });
});
