/** The module id of Vite's preload helper (Vite 5 to 8), which wraps every dynamic import in a build. */
export const PRELOAD_HELPER_ID = '\0vite/preload-helper.js';

/**
 * In the helper's `handlePreloadError`: `if (!e.defaultPrevented) throw err;` (Vite 7/8) or the same with
 * braces (Vite 5/6). The helper's source is a function's `toString()`, so the names may carry `$1`.
 */
const RETHROW =
  /if\s*\(\s*!\s*[\w$]+\.defaultPrevented\s*\)\s*(?:\{\s*throw\s+[\w$]+;?\s*\}|throw\s+[\w$]+;?)/;

/**
 * Makes a prevented failure never settle. After `preventDefault()` on `vite:preloadError` Vite's helper
 * returns `undefined` from its `.catch`, so `await import()` resolves to undefined and the app runs on
 * into its error screen (React.lazy) or a throw (vue-router) while the runtime's reload starts. A reload
 * is what prevented the event, so the import is left pending instead: the page goes away before any app
 * code sees it. Failed CSS preloads go through the same function, whose result Vite ignores there.
 * Returns the changed code, or undefined when the helper does not look as expected.
 */
export function pendingOnPrevent(code: string): string | undefined {
  if (!RETHROW.test(code)) return undefined;
  return code.replace(RETHROW, (m) => `${m}\nreturn new Promise(() => {});`);
}

/** The hook `skewless()` adds: rewrites the preload helper, and warns once when it cannot. */
export function preloadPendingHooks() {
  return {
    transform(this: { warn: (message: string) => void }, code: string, id: string) {
      if (id !== PRELOAD_HELPER_ID) return null;
      const changed = pendingOnPrevent(code);
      if (changed === undefined) {
        this.warn(
          "@skewless/vite: Vite's preload helper has an unknown shape, so a failed import resolves to undefined while the page reloads. Report the Vite version to @skewless/vite.",
        );
        return null;
      }
      return { code: changed, map: null };
    },
  };
}
