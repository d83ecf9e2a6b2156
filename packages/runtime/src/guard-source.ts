import { RELEASE_META, RELOAD_EVENT, STORAGE_PREFIX, WINDOW_MS } from './constants.js';
import type { SharedState, SkewInfo } from './types.js';

/**
 * The inline `<head>` guard. `vite:preloadError` never fires for the entry script, static imports,
 * modulepreload links or stylesheets linked in HTML, so this catches their `error` events (they do not
 * bubble, hence the capture phase on window). Inline, so it works when the entry itself is gone.
 *
 * Once the runtime is installed the guard hands failures to the runtime's handler (`s.f`: options, onSkew,
 * release check). Before that (or without the runtime) it applies the same guarded reload with the default
 * options: the same loop-guard key and window (decide.ts, inlined), in-flight flag, offline wait and
 * cancelable `skewless:reload` event, asked when deciding as the runtime asks; it skips the release fetch,
 * so its reason is 'load-error'.
 *
 * Self-contained: scripts/guard-bundle.mjs builds it into a string with constants.ts only, and it reaches
 * the page through globals. Terse on purpose: its budget is 512 bytes min+gzip.
 */
export function guard(url?: string): void {
  // STATE_KEY spelled out: terser keeps a constant used twice as a variable, and every byte counts here.
  // biome-ignore lint/suspicious/noAssignInExpressions: the shortest create-or-reuse, for the byte budget
  const s = ((window as unknown as { __skewless?: SharedState }).__skewless ||= {});
  const urlOrigin = url && new URL(url, document.baseURI).origin;
  s.u = url;
  addEventListener(
    'error',
    async (e) => {
      const el = e.target as HTMLScriptElement & HTMLLinkElement;
      const src = el.src || el.href;
      const current = document.querySelector<HTMLMetaElement>(`meta[name=${RELEASE_META}]`)?.content || '';
      const key = STORAGE_PREFIX + current;
      const now = Date.now();
      // <script>, <link rel=stylesheet|modulepreload>; and only the app's origins: a blocked analytics
      // script or font stylesheet is not skew.
      if (!/^(st|mo|SC)/.test(el.rel || el.tagName)) return;
      const origin = new URL(src).origin;
      if (origin !== location.origin && origin !== urlOrigin) return;
      if (s.f) return s.f(src);
      try {
        const since = now - Number(sessionStorage.getItem(key));
        // decide.ts, inlined; a stored value that is not a time (NaN) blocks like a recent reload (see there).
        if (s.p || !(since < 0 || since >= WINDOW_MS)) return;
        sessionStorage.setItem(key, String(now));
      } catch {
        return;
      }
      const offline = !navigator.onLine;
      const info: SkewInfo = {
        action: offline ? 'wait' : 'reload',
        reason: offline ? 'offline' : 'load-error',
        current,
        error: src,
      };
      // Asked when deciding, as the runtime asks. Deferred by the app: uncounted, the next failure asks again.
      if (!dispatchEvent(new CustomEvent(RELOAD_EVENT, { cancelable: true, detail: info })))
        return sessionStorage.removeItem(key);
      s.p = true;
      if (offline) await new Promise((resolve) => addEventListener('online', resolve));
      // Counted again at the reload itself: an offline wait may have outlasted the window, and the page
      // after the reload must find this reload counted. A write that throws now means no reload (safe).
      sessionStorage.setItem(key, String(Date.now()));
      location.reload();
    },
    true,
  );
}
