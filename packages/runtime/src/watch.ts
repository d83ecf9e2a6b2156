import { createHandler, currentRelease, releaseUrl, sharedState } from './handler.js';
import { liveRelease } from './live-release.js';
import type { WatchOptions } from './types.js';

/**
 * Optional proactive check (off unless called): looks at the live release when the tab becomes visible
 * and/or on an interval, and once a newer release is out, reloads at the next route change (pushState or
 * back/forward), so the user lands on the new release before a chunk goes missing. The reload goes through
 * the runtime's guarded path: loop guard, cancelable `skewless:reload`, `onSkew`.
 * Returns a function that stops watching. Does nothing outside a browser.
 */
export function watchRelease(options: WatchOptions = {}): () => void {
  if (typeof window === 'undefined') return () => {};
  const w = window;
  const { onVisible = true, intervalMs = 0, onNewRelease } = options;
  let stale = false;

  const check = async () => {
    if (stale || w.document.visibilityState === 'hidden') return;
    const s = sharedState(w);
    // Offline or no release file: look again next time.
    const live = await liveRelease(w, releaseUrl(s), { cache: 'no-store' });
    const current = currentRelease(w, s);
    if (stale || !live || !current || live === current) return;
    stale = true;
    onNewRelease?.({ current, live });
  };
  const onVisibility = () => {
    if (w.document.visibilityState === 'visible') void check();
  };
  const onNavigate = () => {
    if (!stale) return;
    const s = sharedState(w);
    (s.f ?? createHandler(w, s))('watchRelease: a newer release is live');
  };

  const history = w.history;
  const pushState = history.pushState;
  // The URL is already the new route when the reload starts, so the user lands on it, on the new release.
  const patched: History['pushState'] = function (this: History, ...args) {
    pushState.apply(this, args);
    onNavigate();
  };
  history.pushState = patched;
  w.addEventListener('popstate', onNavigate);
  if (onVisible) w.document.addEventListener('visibilitychange', onVisibility);
  const timer = intervalMs > 0 ? w.setInterval(() => void check(), intervalMs) : undefined;

  return () => {
    if (history.pushState === patched) history.pushState = pushState;
    w.removeEventListener('popstate', onNavigate);
    w.document.removeEventListener('visibilitychange', onVisibility);
    if (timer !== undefined) w.clearInterval(timer);
  };
}
