import {
  FETCH_TIMEOUT_MS,
  RELEASE_FILE,
  RELEASE_META,
  RELOAD_EVENT,
  STATE_KEY,
  STORAGE_PREFIX,
  WINDOW_MS,
} from './constants.js';
import { type Decision, decide } from './decide.js';
import type { SharedState, SkewInfo } from './types.js';

// Every browser global goes through `w`, so unit tests can pass a fake window.

/** The state shared with the inline guard, created on first use. */
export function sharedState(w: Window): SharedState {
  const g = w as unknown as Record<string, SharedState>;
  // Not `||=`: the es2020 target would lower it to a longer form (the 1 KB budget).
  // biome-ignore lint/suspicious/noAssignInExpressions: create-or-reuse in one expression
  return g[STATE_KEY] || (g[STATE_KEY] = {});
}

/** The live release file's URL: the runtime's option, else the guard's, else `skewless.json` at the base. */
export function releaseUrl(w: Window, s: SharedState): URL {
  return new URL(s.o?.releaseUrl || s.u || RELEASE_FILE, w.document.baseURI);
}

/** The page's release id: the runtime's option, else the meta tag the plugin writes, else `''`. */
export function currentRelease(w: Window, s: SharedState): string {
  return (
    s.o?.currentRelease ||
    w.document.querySelector<HTMLMetaElement>(`meta[name=${RELEASE_META}]`)?.content ||
    ''
  );
}

/**
 * Returns the failure handler. Call it when one of the app's assets failed to load: it decides synchronously
 * and returns true when a reload will follow (so `vite:preloadError` may be prevented), false when the
 * error must reach the app.
 */
export function createHandler(w: Window): (error?: unknown) => boolean {
  return (error) => {
    const s = sharedState(w);
    const o = s.o || {};
    const current = currentRelease(w, s);
    const key = (o.storageKeyPrefix || STORAGE_PREFIX) + current;
    const now = Date.now();
    let action: Decision = 'surface';
    let stored = true;
    try {
      action = decide(
        !!s.p,
        w.navigator.onLine,
        now - Number(w.sessionStorage.getItem(key)),
        o.windowMs || WINDOW_MS,
      );
      // Counted before the reload, so a page that dies while loading still counts; a storage that cannot
      // write means no reload at all (never reload what cannot be counted).
      if (action === 'reload' || action === 'wait') w.sessionStorage.setItem(key, '' + now);
    } catch {
      action = 'surface';
      stored = false;
    }
    if (action === 'pending') return true;
    // The release is not fetched yet: the app is asked now, while Vite waits for its answer, so the reason
    // is 'load-error' (or 'offline') until the fetch below tells new from same release.
    const info: SkewInfo = {
      action,
      reason:
        action === 'surface'
          ? stored
            ? 'loop-guard'
            : 'no-storage'
          : action === 'wait'
            ? 'offline'
            : 'load-error',
      current,
      error,
    };
    // Telemetry and the second count must never stop the recovery.
    const attempt = (f: () => void) => {
      try {
        f();
      } catch {}
    };
    const report = () => attempt(() => o.onSkew?.(info));
    // Asked synchronously, before `vite:preloadError` is prevented (issue 5: prevent only when it will
    // reload). Deferred by the app: nothing is counted, the next failure asks again, and the error reaches
    // the app instead of a failed import resolving to undefined.
    if (action === 'surface') {
      report();
      return false;
    }
    if (!w.dispatchEvent(new CustomEvent(RELOAD_EVENT, { cancelable: true, detail: info }))) {
      info.action = 'cancelled';
      w.sessionStorage.removeItem(key);
      report();
      return false;
    }
    s.p = true;
    if (action === 'wait') report();
    (async () => {
      // No `once`: a later `online` only calls a settled promise's resolve again, and bytes count here.
      if (!w.navigator.onLine) await new Promise((resolve) => w.addEventListener('online', resolve));
      try {
        // Bounded: a stalled release file must not hold the reload (and every later failure) forever.
        const init: RequestInit = { cache: 'no-store', signal: AbortSignal.timeout?.(FETCH_TIMEOUT_MS) };
        info.live = (await (await w.fetch(releaseUrl(w, s), init)).json()).release;
      } catch {
        // No release file, or not JSON: the reason stays unknown, the reload still helps once.
      }
      if (action === 'reload')
        info.reason = info.live && info.live !== current ? 'new-release' : 'same-release';
      info.action = 'reload';
      report();
      // Counted again at the reload itself: a tab that waited offline longer than the window would
      // otherwise reload into a page that finds the count expired and may reload again. It was counted at
      // the decision already, and the reload was promised to Vite, so a failing write does not stop it.
      attempt(() => w.sessionStorage.setItem(key, '' + Date.now()));
      // reload() keeps the URL, history and scroll position, and cannot leave the origin.
      w.location.reload();
    })();
    return true;
  };
}
