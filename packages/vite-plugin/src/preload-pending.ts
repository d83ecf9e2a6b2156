/** The module id of Vite's preload helper (Vite 5 to 8), which wraps every dynamic import in a build. */
export const PRELOAD_HELPER_ID = '\0vite/preload-helper.js';

/**
 * In the helper's `handlePreloadError`: `if (!e.defaultPrevented) throw err;` (Vite 7/8) or the same with
 * braces (Vite 5/6). The helper's source is a function's `toString()`, so the names may carry `$1`.
 */
const RETHROW =
  /if\s*\(\s*!\s*[\w$]+\.defaultPrevented\s*\)\s*(?:\{\s*throw\s+[\w$]+;?\s*\}|throw\s+[\w$]+;?)/;

/**
 * The steps that let `retryImports()` (@skewless/runtime/retry) import a failed chunk once more: the
 * helper hands the failed dynamic import to `handlePreloadError` (the CSS preloads keep calling it with the
 * error alone) and sets it on the event as `skewlessRetry`; a listener that prevented the event and set
 * `skewlessResult` (the retried module, a promise) gets that returned to the app.
 */
const RETRY_STEPS: [RegExp, (...groups: string[]) => string][] = [
  [
    /function handlePreloadError\(([\w$]+)\)\s*\{/,
    (_m, err) => `function handlePreloadError(${err}, retry) {`,
  ],
  [/([\w$]+)\.payload\s*=\s*([\w$]+);/, (m, event) => `${m}\nif (retry) ${event}.skewlessRetry = retry;`],
  [
    /baseModule\(\)\.catch\(handlePreloadError\)/,
    () => 'baseModule().catch((err) => handlePreloadError(err, baseModule))',
  ],
];

/**
 * Rewrites Vite's preload helper so that a prevented failure never settles, and offers the failed import
 * for one retry. After `preventDefault()` on `vite:preloadError` Vite's helper returns `undefined` from its
 * `.catch`, so `await import()` resolves to undefined and the app runs on into its error screen
 * (React.lazy) or a throw (vue-router) while the runtime's reload starts. A reload is what prevented the
 * event, so the import is left pending instead: the page goes away before any app code sees it; unless
 * a retry set `event.skewlessResult`, which the app then gets. Failed CSS preloads go through the same
 * function, whose result Vite ignores there. Returns the changed code, or undefined when the helper does
 * not look as expected (the retry steps are skipped alone when only they do not match).
 */
export function pendingOnPrevent(code: string): string | undefined {
  const rethrow = RETHROW.exec(code);
  if (!rethrow) return undefined;
  const event = /if\s*\(\s*!\s*([\w$]+)\.defaultPrevented/.exec(rethrow[0])![1];
  const retry = RETRY_STEPS.every(([pattern]) => pattern.test(code));
  let out = code.replace(
    RETHROW,
    (m) => `${m}\nreturn ${retry ? `${event}.skewlessResult || ` : ''}new Promise(() => {});`,
  );
  if (retry)
    for (const [pattern, replace] of RETRY_STEPS)
      out = out.replace(pattern, replace as (substring: string, ...args: string[]) => string);
  return out;
}

/** The hook `skewless()` adds: rewrites the preload helper, and warns once when it cannot. */
export function preloadPendingHooks() {
  return {
    transform: {
      // Rolldown (Vite 8) then calls the hook for this one module instead of handing every module to
      // JavaScript; Rollup versions without hook filters ignore it, and the handler checks the id itself.
      filter: { id: /^\0vite\/preload-helper\.js$/ },
      handler(this: { warn: (message: string) => void }, code: string, id: string) {
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
    },
  };
}
