import { createHandler, sharedState } from './handler.js';
import { reportReload } from './report.js';
import type { InstallOptions } from './types.js';

let uninstallCurrent: (() => void) | undefined;

/**
 * Listens for `vite:preloadError` and recovers with one guarded reload. Calling it again replaces the
 * previous installation, so `import '@skewless/runtime'` followed by `install({ … })` installs once.
 * Returns a function that removes the listener. Does nothing outside a browser (SSR).
 */
export function install(options: InstallOptions = {}): () => void {
  uninstallCurrent?.();
  if (typeof window === 'undefined') return () => {};
  const w = window;
  const state = sharedState(w);
  const fail = createHandler(w, state);
  state.o = options;
  // The inline guard hands element failures to this handler from now on, so they get the options too.
  state.f = fail;
  const onPreloadError = (event: Event) => {
    // retryImports() first, when installed: it takes a failure it can retry (and prevents it itself). Else
    // prevent only when a reload follows, so the app never runs on with a failed import.
    if (!state.r?.(event) && fail((event as Event & { payload?: unknown }).payload)) event.preventDefault();
  };
  w.addEventListener('vite:preloadError', onPreloadError);
  // A page restored from the back-forward cache was left by the user and is shown again by the user: a
  // reload it had under way was abandoned, and the reload it already had is no loop if it gets another.
  // So its loop-guard window starts afresh (`t`, read by the handler), as on a page that never reloaded.
  // Not removed by uninstall: the in-flight flag it clears is the inline guard's too, and a second
  // install() adding a second listener only clears it twice.
  w.addEventListener('pageshow', (event) => {
    if (event.persisted) {
      state.p = false;
      state.t = Date.now();
    }
  });
  // The first install() that finds the report takes it (a microtask later: see report.ts).
  void reportReload(w, state);
  const uninstall = () => {
    w.removeEventListener('vite:preloadError', onPreloadError);
    if (state.f === fail) state.f = undefined;
    if (uninstallCurrent === uninstall) uninstallCurrent = undefined;
  };
  uninstallCurrent = uninstall;
  return uninstall;
}
