import type { Plugin } from 'vite';

/** Vite's preload helper module (Vite 5 to 8), as @skewless/vite's preload-pending.ts names it. */
const PRELOAD_HELPER_ID = '\0vite/preload-helper.js';

/**
 * What the build's preload helper must do for `retryImports()` (@skewless/runtime/retry), written here for
 * the spec until @skewless/vite does it: on top of @skewless/vite's never-settling promise for a prevented
 * failure, the helper
 * - passes the failed dynamic import to handlePreloadError (`baseModule().catch((err) =>
 *   handlePreloadError(err, baseModule))`; the CSS preloads keep calling it with the error alone),
 * - sets `event.skewlessRetry = retry` before dispatching `vite:preloadError`,
 * - returns `event.skewlessResult` when the event was prevented and a listener set it, else the
 *   never-settling promise.
 * Fails the build when the helper does not look as expected, so the spec cannot pass without the retry.
 */
export function retryHelperPlugin(): Plugin {
  return {
    name: 'e2e:retry-helper',
    apply: 'build',
    // After @skewless/vite's own rewrite of the same module.
    enforce: 'post',
    transform(code, id) {
      if (id !== PRELOAD_HELPER_ID) return null;
      const steps: [RegExp, (...groups: string[]) => string][] = [
        [
          /function handlePreloadError\(([\w$]+)\)\s*\{/,
          (_m, err) => `function handlePreloadError(${err}, retry) {`,
        ],
        [
          /([\w$]+)\.payload\s*=\s*([\w$]+);/,
          (m, event) => `${m}\n\t\tif (retry) ${event}.skewlessRetry = retry;`,
        ],
        [
          /if\s*\(\s*!\s*([\w$]+)\.defaultPrevented\s*\)([\s\S]*?)return new Promise\(\(\) => \{\}\);/,
          (_m, event, rethrow) =>
            `if (!${event}.defaultPrevented)${rethrow}return ${event}.skewlessResult || new Promise(() => {});`,
        ],
        [
          /baseModule\(\)\.catch\(handlePreloadError\)/,
          () => 'baseModule().catch((err) => handlePreloadError(err, baseModule))',
        ],
      ];
      let out = code;
      for (const [pattern, replace] of steps) {
        if (!pattern.test(out)) this.error(`e2e:retry-helper: the preload helper does not match ${pattern}`);
        out = out.replace(pattern, replace as (substring: string, ...args: string[]) => string);
      }
      return { code: out, map: null };
    },
  };
}
