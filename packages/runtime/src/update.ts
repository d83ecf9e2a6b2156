import { currentRelease, releaseUrl, sharedState } from './handler.js';
import { liveRelease } from './live-release.js';
import type { UpdateInfo, UpdateOptions } from './types.js';

/** The event dispatched on `window` once per new release id; `detail` is the {@link UpdateInfo}. */
export const UPDATE_EVENT = 'skewless:update';

/**
 * The BroadcastChannel name and the localStorage key the tabs of an origin share: the time of the last
 * check (a check under way counts), and the live release it found.
 */
export const UPDATE_KEY = 'skewless:update';

/** The shortest interval taken: a shorter one is raised to this, so open tabs never hammer the origin. */
export const MIN_INTERVAL_MS = 30_000;

/** How far ahead of this tab's clock a shared time may be and still count (see `time` below). */
const SKEW_MS = 2_000;

/** What the tabs tell each other: a check started at `t`; `live`, once it found one. */
interface Checked {
  t: number;
  live?: string;
}

/**
 * Tells the app that a new release is live, so it can show "a new version is available" or reload at its
 * next route change (off unless called). It fetches the release file the runtime uses (`skewless.json` at
 * the base, `cache: 'no-store'`) when the tab becomes visible, every `intervalMs` while it is visible, and
 * after a failed load (`vite:preloadError`) that did not reload the page (the loop guard, a cancelled
 * reload). For each live release id that differs from the page's it dispatches `skewless:update` on
 * `window` and calls `onUpdate`, once.
 *
 * The tabs of an origin check as one: the time of the last check (the one under way included) is shared
 * through localStorage and a BroadcastChannel (the `storage` event where there is none), so the tab whose
 * timer comes due first checks, the others see it and wait for the next interval, and every tab is told
 * what the one check found. Where the Web Locks API is there, the check runs under a lock, so two tabs due
 * at the same instant still make one request. Visibility and interval checks wait for the interval; the
 * check after a failed load does not. Returns a function that stops. Does nothing outside a browser.
 */
export function watchUpdates(options: UpdateOptions = {}): () => void {
  if (typeof window === 'undefined') return () => {};
  const w = window;
  const s = sharedState(w);
  const { intervalMs = 300_000, onUpdate } = options;
  const every = intervalMs > 0 ? Math.max(intervalMs, MIN_INTERVAL_MS) : 0;
  const started = Date.now();
  const seen = new Set<string>();
  /** The last check any tab of this origin started, as this tab knows it. */
  let last = 0;
  let timer: number | undefined;
  let on = true;
  // Tabs are not due at one instant: the first one whose timer fires checks, the others hear of it.
  const jitter = Math.random() * Math.min(1_000, every / 10);
  const channel = typeof w.BroadcastChannel === 'function' ? new w.BroadcastChannel(UPDATE_KEY) : undefined;

  /**
   * A shared time as this tab takes it: 0, which holds no check back, for what is not a time (another
   * version's or script's write) and for a time later than now (the tabs share one clock: it would hold
   * every check back until then).
   */
  // Up to SKEW_MS ahead is still a time: a message sent a moment ago by a tab whose clock reads a little
  // ahead (Playwright's page clocks, a process that read the time just before this one) is not dropped.
  const time = (t: unknown) =>
    Number.isFinite(t) && (t as number) <= Date.now() + SKEW_MS ? (t as number) : 0;
  const read = (): Checked | undefined => {
    try {
      return JSON.parse(w.localStorage.getItem(UPDATE_KEY) as string) ?? undefined;
    } catch {
      return undefined;
    }
  };
  const heard = (message: Checked | undefined) => {
    if (!on || !message || !time(message.t)) return;
    last = Math.max(last, time(message.t));
    // A check started before this page loaded may have found an older release than the page's own.
    if (message.t >= started && typeof message.live === 'string') found(message.live);
    schedule();
  };
  const share = (message: Checked) => {
    last = Math.max(last, message.t);
    try {
      w.localStorage.setItem(UPDATE_KEY, JSON.stringify(message));
    } catch {}
    channel?.postMessage(message);
  };
  const found = (live: string) => {
    const current = currentRelease(w, s);
    if (!live || !current || live === current || seen.has(live)) return;
    seen.add(live);
    const info: UpdateInfo = { current, live };
    w.dispatchEvent(new CustomEvent(UPDATE_EVENT, { detail: info }));
    onUpdate?.(info);
  };
  const due = () => {
    last = Math.max(last, time(read()?.t));
    return !every || Date.now() - last >= every;
  };
  const check = async (force: boolean) => {
    if (!on) return;
    // Another tab checked within the interval: wait for the next one.
    if (!force && !due()) return schedule();
    const t = Date.now();
    // Claimed before the request: a tab due a moment later sees it and waits.
    share({ t });
    // Bounded (liveRelease): a request that hangs would hold the lock, and with it every tab's checks.
    // Offline or no release file: the next check looks again.
    const live = await liveRelease(w, releaseUrl(s), { cache: 'no-store' });
    if (!on) return;
    if (live) {
      share({ t, live });
      found(live);
    }
    schedule();
  };
  const locked = (force: boolean) => {
    const locks = (w.navigator as Navigator & { locks?: LockManager }).locks;
    if (!locks || force) return void check(force);
    // ifAvailable: a tab that finds another checking leaves it (that tab tells everyone) and waits for the
    // next interval, counted from now: a check is under way.
    void locks
      .request(UPDATE_KEY, { ifAvailable: true }, (lock) => {
        if (lock) return check(false);
        last = Date.now();
        schedule();
      })
      .catch(() => {});
  };
  function schedule() {
    if (timer !== undefined) w.clearTimeout(timer);
    timer = undefined;
    if (!on || !every) return;
    const wait = Math.max(0, last + every - Date.now()) + jitter;
    timer = w.setTimeout(() => {
      timer = undefined;
      // A hidden tab waits: its return to visible checks (once due), and a visible tab checks for all.
      if (w.document.visibilityState === 'visible') locked(false);
    }, wait);
  }

  const onVisibility = () => {
    if (w.document.visibilityState === 'visible') locked(false);
  };
  const onFailure = () => {
    // After the runtime decided: a page that reloads needs no signal.
    w.setTimeout(() => {
      if (!s.p) void check(true);
    }, 0);
  };
  const onMessage = (event: MessageEvent<Checked>) => heard(event.data);
  const onStorage = (event: StorageEvent) => {
    if (event.key !== UPDATE_KEY || !event.newValue) return;
    try {
      heard(JSON.parse(event.newValue));
    } catch {}
  };

  w.document.addEventListener('visibilitychange', onVisibility);
  w.addEventListener('vite:preloadError', onFailure);
  if (channel) channel.onmessage = onMessage;
  else w.addEventListener('storage', onStorage);
  // The first interval counts from this page's load (it just came from the origin) or a later check.
  last = Math.max(time(read()?.t), started);
  schedule();

  return () => {
    on = false;
    if (timer !== undefined) w.clearTimeout(timer);
    w.document.removeEventListener('visibilitychange', onVisibility);
    w.removeEventListener('vite:preloadError', onFailure);
    w.removeEventListener('storage', onStorage);
    channel?.close();
  };
}
