import { isChunkLoadError } from './chunk-error.js';
import { sharedState } from './handler.js';
import type { PreloadErrorEvent } from './types.js';

/**
 * Optional (off unless called): imports a failed chunk once more before the guarded reload. Browsers no
 * longer keep a failed module fetch in the module map (the HTML standard changed; Chromium 156, Firefox
 * 154 and WebKit followed), so the same URL can be imported again, and a transient failure (a dropped
 * connection, a CDN's passing 5xx) then costs no reload. Where the browser still keeps the failure, the retry fails at
 * once, without a request, and the reload follows as before: it cannot be feature-detected, nor need it be.
 *
 * A prevented import is left pending by the build (`@skewless/vite`), so only the build's preload helper
 * can hand the retried module to the app: it offers `event.skewlessRetry` (the failed dynamic import, to
 * run again) and returns `event.skewlessResult` when set (see {@link PreloadErrorEvent}). An event without
 * `skewlessRetry` (a CSS preload, a helper that does not offer it) goes to the runtime as before.
 *
 * It plugs into the runtime's own `vite:preloadError` listener (install()), which asks it first, so the
 * order of `retryImports()`, `install()` and `import '@skewless/runtime'` does not matter; without the
 * runtime installed it does nothing. Retried only when it can help: online (offline, the runtime waits for
 * `online` instead), no reload already under way, and a fetch failure (`isChunkLoadError`), not a module
 * that threw while it ran. A retry that fails goes to the runtime's guarded reload, so there is one retry
 * per failure and never a loop. Returns a function that stops retrying. Does nothing outside a browser.
 */
export function retryImports(): () => void {
  if (typeof window === 'undefined') return () => {};
  const w = window;
  const s = sharedState(w);
  const take = (event: PreloadErrorEvent): boolean => {
    const retry = event.skewlessRetry;
    if (typeof retry !== 'function' || s.p || !w.navigator.onLine || !isChunkLoadError(event.payload))
      return false;
    event.preventDefault();
    event.skewlessResult = retry().catch((error: unknown) => {
      // Failed again: the runtime decides, as it would have on the first failure. A reload leaves the
      // import pending (the page goes away); otherwise (loop guard, no storage, cancelled) it rejects.
      if (s.f?.(error)) return new Promise<never>(() => {});
      throw error;
    });
    return true;
  };
  s.r = take as (event: Event) => boolean;
  return () => {
    if (s.r === take) s.r = undefined;
  };
}
