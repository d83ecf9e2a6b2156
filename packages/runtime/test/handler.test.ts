import { describe, expect, it } from 'vitest';
import { STORAGE_PREFIX } from '../src/constants.js';
import { createHandler, sharedState } from '../src/handler.js';
import { reportReload } from '../src/report.js';
import type { SkewInfo } from '../src/types.js';
import { type FakeOptions, FakeStorage, type FakeWindow, fakeWindow, settle } from './fake-window.js';

/** Installs options the way install() does and records what onSkew and the reload event saw. */
function setup(fake: FakeWindow, cancel = false) {
  const seen: SkewInfo[] = [];
  const events: SkewInfo[] = [];
  sharedState(fake.window).o = { onSkew: (info) => seen.push({ ...info }) };
  fake.window.addEventListener('skewless:reload', (event) => {
    events.push({ ...(event as CustomEvent<SkewInfo>).detail });
    if (cancel) event.preventDefault();
  });
  return { fail: createHandler(fake.window, sharedState(fake.window)), seen, events };
}

/** The page after a reload: same tab (sessionStorage), its own onSkew; reports what led to it. */
async function afterReload(fake: FakeWindow, next: FakeOptions = {}) {
  const page = fake.reloadPage(next);
  const seen: SkewInfo[] = [];
  const state = sharedState(page.window);
  state.o = { onSkew: (info) => seen.push({ ...info }) };
  await reportReload(page.window, state);
  return { page, seen };
}

describe('createHandler', () => {
  it('reloads at once, without fetching; the next page fetches the release file and reports new-release', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    const { fail, seen, events } = setup(fake);
    expect(fail(new Error('chunk'))).toBe(true);
    // Synchronously: no fetch, no await, between the decision and location.reload().
    expect(fake.reloads).toHaveLength(1);
    expect(fake.fetched).toEqual([]);
    expect(seen).toEqual([]);
    expect(events).toMatchObject([{ action: 'reload', reason: 'load-error', current: 'aaa' }]);
    expect(fake.storage.items.has(`${STORAGE_PREFIX}aaa`)).toBe(true);

    const next = await afterReload(fake, { current: 'bbb' });
    expect(next.page.fetched).toEqual(['https://app.example/users/skewless.json no-store']);
    expect(next.seen).toEqual([
      { action: 'reload', reason: 'new-release', current: 'aaa', live: 'bbb', error: 'Error: chunk' },
    ]);
    // Reported once: the report is taken from storage.
    expect(next.page.storage.items.has('skewless:#reload')).toBe(false);
    const state = sharedState(next.page.window);
    await reportReload(next.page.window, state);
    expect(next.seen).toHaveLength(1);
    expect(next.page.fetched).toHaveLength(1);
  });

  it('a page load without a reload before it fetches nothing', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    const seen: SkewInfo[] = [];
    const state = sharedState(fake.window);
    state.o = { onSkew: (info) => seen.push(info) };
    await reportReload(fake.window, state);
    expect(fake.fetched).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('a reload keeps the URL, query string and hash: location.reload(), never a new address', () => {
    const fake = fakeWindow({ current: 'aaa' });
    setup(fake).fail();
    expect(fake.reloads).toHaveLength(1);
    expect(fake.assigned).toEqual([]);
  });

  it('resolves the release URL from the options, else from the guard', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'aaa' });
    sharedState(fake.window).u = '/app/skewless.json';
    createHandler(fake.window, sharedState(fake.window))();
    const guardUrl = fake.reloadPage();
    sharedState(guardUrl.window).u = '/app/skewless.json';
    await reportReload(guardUrl.window, sharedState(guardUrl.window));
    expect(guardUrl.fetched).toEqual(['https://app.example/app/skewless.json no-store']);

    guardUrl.storage.items.clear(); // past the loop guard's window
    createHandler(guardUrl.window, sharedState(guardUrl.window))();
    const option = guardUrl.reloadPage();
    sharedState(option.window).u = '/app/skewless.json';
    sharedState(option.window).o = { releaseUrl: 'https://cdn.example/v2/skewless.json' };
    await reportReload(option.window, sharedState(option.window));
    expect(option.fetched).toEqual(['https://cdn.example/v2/skewless.json no-store']);
  });

  it('same release: reloads once, then surfaces the error on the next page within the window', async () => {
    const first = fakeWindow({ current: 'aaa', live: 'aaa' });
    const one = setup(first);
    expect(one.fail()).toBe(true);
    expect(first.reloads).toHaveLength(1);
    const after = await afterReload(first);
    expect(after.seen).toMatchObject([{ action: 'reload', reason: 'same-release', live: 'aaa' }]);

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
    expect(createHandler(fake.window, sharedState(fake.window))()).toBe(false);
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

  it('offline: waits, and reloads only after the online event; the next page reports it', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'aaa', online: false });
    const { fail, seen } = setup(fake);
    expect(fail()).toBe(true);
    await settle();
    expect(fake.reloads).toHaveLength(0);
    expect(seen).toMatchObject([{ action: 'wait', reason: 'offline' }]);
    fake.goOnline();
    // At once on `online`: nothing is fetched first.
    expect(fake.reloads).toHaveLength(1);
    expect(fake.fetched).toEqual([]);
    const next = await afterReload(fake);
    expect(next.seen).toMatchObject([{ action: 'reload', reason: 'offline', current: 'aaa', live: 'aaa' }]);
  });

  it('joins a reload under way: many failures, one reload', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    const { fail, seen, events } = setup(fake);
    expect([fail(), fail(), fail()]).toEqual([true, true, true]);
    expect(fake.reloads).toHaveLength(1);
    expect(events).toHaveLength(1);
    expect(seen).toHaveLength(0);
    expect((await afterReload(fake)).seen).toHaveLength(1);
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

  it('a stalled release file holds only the report, never the reload', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    fake.raw.fetch = () => new Promise<Response>(() => {});
    const { fail, events } = setup(fake);
    expect(fail()).toBe(true);
    expect(events).toMatchObject([{ action: 'reload', reason: 'load-error' }]);
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

  it('an unreadable release file: reported as same-release, without a live release', async () => {
    const fake = fakeWindow({ current: 'aaa', live: new Error('offline server') });
    const { fail } = setup(fake);
    expect(fail()).toBe(true);
    expect(fake.reloads).toHaveLength(1);
    const { seen } = await afterReload(fake);
    expect(seen[0]).toMatchObject({ action: 'reload', reason: 'same-release', current: 'aaa' });
    expect(seen[0]?.live).toBeUndefined();
  });

  it('a reload whose report cannot be written still happens (storage full at reload time)', () => {
    const storage = new FakeStorage();
    const fake = fakeWindow({ current: 'aaa', storage });
    const { fail } = setup(fake);
    const setItem = storage.setItem.bind(storage);
    storage.setItem = (key, value) => {
      if (key === 'skewless:#reload') throw new DOMException('quota', 'QuotaExceededError');
      setItem(key, value);
    };
    expect(fail()).toBe(true);
    expect(fake.reloads).toHaveLength(1);
  });

  it('a throwing onSkew does not stop the reload (offline: it is called before the wait)', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb', online: false });
    sharedState(fake.window).o = {
      onSkew: () => {
        throw new Error('telemetry down');
      },
    };
    expect(() => createHandler(fake.window, sharedState(fake.window))()).toThrow('telemetry down');
    fake.goOnline();
    expect(fake.reloads).toHaveLength(1);
  });

  it('works without a meta tag (dev server, plugin absent): one reload per window', async () => {
    const fake = fakeWindow({ live: 'bbb' });
    expect(setup(fake).fail()).toBe(true);
    await settle();
    expect(setup(fake.reloadPage()).fail()).toBe(false);
  });
});
