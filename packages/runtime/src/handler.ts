import {
  RELEASE_FILE,
  RELEASE_META,
  RELOAD_EVENT,
  REPORT_KEY,
  STATE_KEY,
  STORAGE_PREFIX,
  WINDOW_MS,
} from './constants.js';
import { decide } from './decide.js';
import type { SharedState, SkewInfo } from './types.js';

// Every browser global goes through `w`, so unit tests can pass a fake window.

/** The state shared with the inline guard, created on first use. */
export function sharedState(w: Window): SharedState {
  // Not `||=`: the es2020 target would lower it to a longer form (the 1 KB budget). The casts inline, not
  // in a variable: terser would keep the variable.
  return (
    (w as unknown as Record<string, SharedState>)[STATE_KEY] ||
    // biome-ignore lint/suspicious/noAssignInExpressions: create-or-reuse in one expression
    ((w as unknown as Record<string, SharedState>)[STATE_KEY] = {})
  );
}

/**
 * The live release file's URL: the runtime's option, else the guard's, else `skewless.json`. Left relative:
 * fetch() resolves it against the document's base URL, as `document.baseURI` would.
 */
export function releaseUrl(s: SharedState): string {
  return s.o?.releaseUrl || s.u || RELEASE_FILE;
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
export function createHandler(w: Window, s: SharedState): (error?: unknown) => boolean {
  // `s`: sharedState(w), created once per window and never replaced (by the guard or the runtime, whichever
  // comes first), so the handler holds it rather than looking it up per failure.
  return (error) => {
    // A reload is under way in this tab (or waits for `online`): this failure joins it.
    if (s.p) return true;
    const o = s.o || {};
    const current = currentRelease(w, s);
    const key = (o.storageKeyPrefix || STORAGE_PREFIX) + current;
    const now = Date.now();
    // As it stands when sessionStorage throws on read or write: never reload what cannot be counted.
    const info: SkewInfo = { action: 'surface', reason: 'no-storage', current, error };
    try {
      const stored = w.sessionStorage.getItem(key) as unknown as number;
      // The subtraction reads the stored text as a number, as Number() would (null: 0, never reloaded). A
      // time before a back-forward cache restore (`s.t`) reads as never: the window starts afresh there.
      // Not NaN: `NaN < t` is false, so a corrupt value still blocks.
      const action = decide(
        w.navigator.onLine,
        now - (stored < (s.t as number) ? 0 : stored),
        o.windowMs || WINDOW_MS,
      );
      // Counted before the reload, so a page that dies while loading still counts. Storage writes text.
      if (action !== 'surface') w.sessionStorage.setItem(key, now as unknown as string);
      info.action = action;
      // The release is not fetched: the app is asked now, while Vite waits for its answer, so the reason
      // is 'load-error' (or 'offline'); the page after the reload tells new from same release (report.ts).
      info.reason = action === 'surface' ? 'loop-guard' : action === 'wait' ? 'offline' : 'load-error';
    } catch {}
    // Asked synchronously, before `vite:preloadError` is prevented (prevent only when it will reload).
    // Deferred by the app: nothing is counted, the next failure asks again, and the error reaches the app
    // instead of a failed import resolving to undefined.
    if (
      info.action !== 'surface' &&
      !w.dispatchEvent(new CustomEvent(RELOAD_EVENT, { cancelable: true, detail: info }))
    ) {
      info.action = 'cancelled';
      w.sessionStorage.removeItem(key);
    }
    const reload = () => {
      try {
        // Counted again at the reload itself: a tab that waited offline longer than the window would
        // otherwise reload into a page that finds the count expired and may reload again. It was counted at
        // the decision already, and the reload was promised to Vite, so a failing write does not stop it.
        w.sessionStorage.setItem(key, Date.now() as unknown as string);
        // What the next page reports once it has fetched the live release (report.ts). The error as text:
        // an Error object does not survive JSON.
        w.sessionStorage.setItem(
          REPORT_KEY,
          JSON.stringify({ ...info, action: 'reload', error: '' + error }),
        );
      } catch {}
      // At once: waiting for the release file here would leave the app on its failed import meanwhile.
      // reload() keeps the URL (query string and hash), history and scroll position, and cannot leave
      // the origin. `s.l`: reloadTo()'s destination (reload-to.ts), where a router was going; same origin.
      s.l ? s.l() : w.location.reload();
    };
    const recovering = info.action === 'reload' || info.action === 'wait';
    if (recovering) {
      s.p = true;
      // No `once`: the reload ends the page, and bytes count here.
      info.action === 'wait' ? w.addEventListener('online', reload) : reload();
    }
    // A reload is reported by the page after it (report.ts). onSkew runs unguarded: it comes after what it
    // could stop (the uncount, the online listener), so a throw only ends the event listener early.
    if (info.action !== 'reload') o.onSkew?.(info);
    return recovering;
  };
}
