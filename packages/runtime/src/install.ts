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
    // Prevent only when a reload follows: a prevented import resolves to undefined and the app must not run on.
    if (fail((event as Event & { payload?: unknown }).payload)) event.preventDefault();
  };
  // A page restored from the back-forward cache was left by the user and is shown again by the user: a
  // reload it had under way was abandoned, and the reload it already had is no loop if it gets another.
  // So its loop-guard window starts afresh, as on a page that never reloaded.
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) {
      state.p = false;
      state.t = Date.now();
    }
  };
  w.addEventListener('vite:preloadError', onPreloadError);
  w.addEventListener('pageshow', onPageShow);
  // The first install() that finds the report takes it (a microtask later: see report.ts).
  void reportReload(w, state);
  const uninstall = () => {
    w.removeEventListener('vite:preloadError', onPreloadError);
    w.removeEventListener('pageshow', onPageShow);
    if (state.f === fail) state.f = undefined;
    if (uninstallCurrent === uninstall) uninstallCurrent = undefined;
  };
  uninstallCurrent = uninstall;
  return uninstall;
}
