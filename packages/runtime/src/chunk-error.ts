/**
 * What browsers and Vite say when a module or its CSS could not be fetched, as opposed to a module that
 * was fetched and threw while it ran (a bug, which no retry or reload cures):
 * - Chromium: `Failed to fetch dynamically imported module: <url>`, also for a 200 `text/html` answer
 *   (an SPA fallback serving index.html for a missing chunk: the MIME type is only in the console);
 * - Firefox: `error loading dynamically imported module: <url>`;
 * - Safari: `Importing a module script failed.`, and `'text/html' is not a valid JavaScript MIME type.`;
 * - Vite's preload helper: `Unable to preload CSS for <url>`.
 */
const CHUNK_LOAD_ERROR =
  /dynamically imported module|Importing a module script failed|not a valid JavaScript MIME type|Expected a JavaScript(-or-Wasm)? module script|Unable to preload CSS/i;

/**
 * Whether `error` (a `vite:preloadError` payload, an `import()` rejection) says a chunk could not be
 * fetched: gone after a deploy, a network failure, or an SPA fallback answering HTML for it.
 */
export function isChunkLoadError(error: unknown): boolean {
  return CHUNK_LOAD_ERROR.test(String((error as Error | undefined)?.message ?? error));
}
