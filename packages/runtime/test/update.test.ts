import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sharedState } from '../src/handler.js';
import type { UpdateInfo } from '../src/types.js';
import { MIN_INTERVAL_MS, UPDATE_EVENT, UPDATE_KEY, watchUpdates } from '../src/update.js';
import { type FakeOptions, FakeOrigin, type FakeWindow, fakeWindow } from './fake-window.js';

const g = globalThis as { window?: unknown };
const MINUTE = 60_000;

interface Tab {
  fake: FakeWindow;
  /** onUpdate's calls and the skewless:update events' details, in order. */
  updates: UpdateInfo[];
  events: UpdateInfo[];
  stop: () => void;
}

const stops: (() => void)[] = [];

/** Opens a tab of `origin` and starts watchUpdates in it (each tab is its own `window` while it starts). */
function openTab(origin: FakeOrigin, intervalMs: number | undefined, options: FakeOptions = {}): Tab {
  const fake = fakeWindow({ current: 'aaa', live: 'aaa', shared: origin, ...options });
  const updates: UpdateInfo[] = [];
  const events: UpdateInfo[] = [];
  fake.window.addEventListener(UPDATE_EVENT, (event) => events.push((event as CustomEvent).detail));
  g.window = fake.window;
  const stop = watchUpdates({ intervalMs, onUpdate: (info) => updates.push(info) });
  stops.push(stop);
  return { fake, updates, events, stop };
}

const fetches = (...tabs: Tab[]) => tabs.reduce((n, tab) => n + tab.fake.fetched.length, 0);
/** Runs the timers due within `ms`, with the fetches, messages and storage events they lead to. */
const pass = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('watchUpdates (the "new version available" signal)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    vi.useRealTimers();
    delete g.window;
  });

  it('two tabs: one check per interval between them, and both are told of the new release once', async () => {
    const origin = new FakeOrigin();
    const a = openTab(origin, MINUTE);
    await pass(10_000);
    const b = openTab(origin, MINUTE);
    for (const tab of [a, b]) tab.fake.setLive('bbb');

    await pass(MINUTE);
    expect(fetches(a, b)).toBe(1);
    expect(a.fake.fetched).toEqual(['https://app.example/users/skewless.json no-store']);
    for (const tab of [a, b]) {
      expect(tab.updates).toEqual([{ current: 'aaa', live: 'bbb' }]);
      expect(tab.events).toEqual([{ current: 'aaa', live: 'bbb' }]);
    }

    // Five more intervals: five more checks in all, and the same release is not told again.
    await pass(5 * MINUTE);
    expect(fetches(a, b)).toBe(6);
    expect(a.updates).toHaveLength(1);
    expect(b.updates).toHaveLength(1);

    // A later release is: once more, in both.
    for (const tab of [a, b]) tab.fake.setLive('ccc');
    await pass(MINUTE);
    expect(fetches(a, b)).toBe(7);
    for (const tab of [a, b]) expect(tab.updates.map((u) => u.live)).toEqual(['bbb', 'ccc']);
  });

  it('the tab that checks closes: another takes over at the next interval', async () => {
    const origin = new FakeOrigin();
    const a = openTab(origin, MINUTE);
    await pass(5_000);
    const b = openTab(origin, MINUTE);
    await pass(MINUTE);
    expect(fetches(a, b)).toBe(1);
    a.stop();
    await pass(MINUTE + 1_000);
    expect(a.fake.fetched).toHaveLength(1);
    expect(b.fake.fetched).toHaveLength(1);
  });

  it('without BroadcastChannel, the storage event carries the check and its result', async () => {
    const origin = new FakeOrigin({ broadcastChannel: false });
    const a = openTab(origin, MINUTE);
    await pass(10_000);
    const b = openTab(origin, MINUTE);
    for (const tab of [a, b]) tab.fake.setLive('bbb');
    await pass(MINUTE);
    expect(fetches(a, b)).toBe(1);
    expect(a.updates).toEqual([{ current: 'aaa', live: 'bbb' }]);
    expect(b.updates).toEqual([{ current: 'aaa', live: 'bbb' }]);
    expect(JSON.parse(origin.local.get(UPDATE_KEY) ?? '{}')).toMatchObject({ live: 'bbb' });
  });

  it('two tabs due at the same instant, with Web Locks: the check runs under the lock, one request', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    try {
      const origin = new FakeOrigin({ locks: true });
      const a = openTab(origin, MINUTE);
      const b = openTab(origin, MINUTE);
      await pass(MINUTE);
      expect(fetches(a, b)).toBe(1);
      expect(origin.lockRequests).toBeGreaterThanOrEqual(1);
    } finally {
      vi.mocked(Math.random).mockRestore();
    }
  });

  it('a lock another tab holds (its check hangs): this tab waits for the next interval, then checks', async () => {
    const origin = new FakeOrigin({ locks: true });
    const tab = openTab(origin, MINUTE);
    origin.held.add(UPDATE_KEY);
    await pass(MINUTE + 2_000);
    expect(tab.fake.fetched).toHaveLength(0);
    const asked = origin.lockRequests;
    expect(asked).toBeGreaterThanOrEqual(1);
    origin.held.delete(UPDATE_KEY);
    await pass(MINUTE + 2_000);
    expect(tab.fake.fetched).toHaveLength(1);
    // Asked again once per interval, not in a loop.
    expect(origin.lockRequests - asked).toBeLessThanOrEqual(2);
  });

  it('a shared record that is not a time, or one from the future: checks go on, once per interval', async () => {
    for (const t of ['"soon"', '1e400', String(Date.now() + 365 * 24 * MINUTE * 60)]) {
      const origin = new FakeOrigin();
      origin.local.set(UPDATE_KEY, `{"t":${t}}`);
      const tab = openTab(origin, MINUTE);
      await pass(MINUTE + 2_000);
      expect(tab.fake.fetched, t).toHaveLength(1);
      await pass(MINUTE);
      expect(tab.fake.fetched, t).toHaveLength(2);
    }
  });

  it('an interval below 30 s is raised to 30 s; 0 turns it off', async () => {
    const fast = openTab(new FakeOrigin(), 1_000);
    await pass(MIN_INTERVAL_MS - 2_000);
    expect(fast.fake.fetched).toHaveLength(0);
    await pass(5_000);
    expect(fast.fake.fetched).toHaveLength(1);

    const off = openTab(new FakeOrigin(), 0);
    await pass(30 * MINUTE);
    expect(off.fake.fetched).toHaveLength(0);
  });

  it('the default interval is 5 minutes', async () => {
    const tab = openTab(new FakeOrigin(), undefined);
    await pass(4 * MINUTE);
    expect(tab.fake.fetched).toHaveLength(0);
    await pass(MINUTE + 2_000);
    expect(tab.fake.fetched).toHaveLength(1);
  });

  it('a hidden tab does not check on its interval; becoming visible checks once the interval is up', async () => {
    const tab = openTab(new FakeOrigin(), MINUTE);
    tab.fake.setLive('bbb');
    tab.fake.becomeVisible(); // a moment after the page loaded: not due
    await pass(0);
    expect(tab.fake.fetched).toHaveLength(0);
    tab.fake.hide();
    await pass(3 * MINUTE);
    expect(tab.fake.fetched).toHaveLength(0);
    tab.fake.becomeVisible();
    await pass(0);
    expect(tab.fake.fetched).toHaveLength(1);
    expect(tab.updates).toEqual([{ current: 'aaa', live: 'bbb' }]);
  });

  it('a failed load that leaves the page checks at once; one that reloads it does not', async () => {
    const tab = openTab(new FakeOrigin(), MINUTE);
    tab.fake.setLive('bbb');
    tab.fake.window.dispatchEvent(new Event('vite:preloadError'));
    await pass(0);
    expect(tab.fake.fetched).toHaveLength(1);
    expect(tab.updates).toEqual([{ current: 'aaa', live: 'bbb' }]);

    sharedState(tab.fake.window).p = true; // the runtime is reloading the page
    tab.fake.window.dispatchEvent(new Event('vite:preloadError'));
    await pass(0);
    expect(tab.fake.fetched).toHaveLength(1);
  });

  it('the same release, no release file or a release of unknown page: no signal', async () => {
    const same = openTab(new FakeOrigin(), MINUTE);
    const gone = openTab(new FakeOrigin(), MINUTE, { live: undefined });
    const failing = openTab(new FakeOrigin(), MINUTE, { live: new TypeError('offline') });
    const unknown = openTab(new FakeOrigin(), MINUTE, { current: undefined, live: 'bbb' });
    await pass(MINUTE + 2_000);
    for (const tab of [same, gone, failing, unknown]) {
      expect(tab.fake.fetched).toHaveLength(1);
      expect(tab.updates).toEqual([]);
      expect(tab.events).toEqual([]);
    }
  });

  it("a result of a check that started before this page loaded is not taken (it may be older than the page's)", async () => {
    const origin = new FakeOrigin();
    const tab = openTab(origin, MINUTE, { current: 'bbb' });
    const Channel = origin.channel() as new (name: string) => { postMessage(data: unknown): void };
    new Channel(UPDATE_KEY).postMessage({ t: Date.now() - 1_000, live: 'aaa' });
    await pass(0);
    expect(tab.updates).toEqual([]);
  });

  it('stopped while its check is under way: that check tells nothing', async () => {
    const tab = openTab(new FakeOrigin(), MINUTE, { live: 'bbb' });
    let answer: (response: Response) => void = () => {};
    const requests: string[] = [];
    tab.fake.raw.fetch = async (url: URL | string) => {
      requests.push(String(url));
      return new Promise<Response>((resolve) => {
        answer = resolve;
      });
    };
    tab.fake.window.dispatchEvent(new Event('vite:preloadError'));
    await pass(0);
    expect(requests).toHaveLength(1);
    tab.stop();
    answer(new Response(JSON.stringify({ release: 'bbb' })));
    await pass(MINUTE);
    expect(requests).toHaveLength(1);
    expect(tab.updates).toEqual([]);
    expect(tab.events).toEqual([]);
  });

  it('stop: no more checks, no more signals', async () => {
    const origin = new FakeOrigin();
    const a = openTab(origin, MINUTE);
    const b = openTab(origin, MINUTE);
    b.stop();
    for (const tab of [a, b]) tab.fake.setLive('bbb');
    b.fake.becomeVisible();
    await pass(MINUTE + 2_000);
    expect(a.updates).toHaveLength(1);
    expect(b.fake.fetched).toHaveLength(0);
    expect(b.updates).toEqual([]);
  });
});
