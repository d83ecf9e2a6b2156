import { REPORT_KEY } from './constants.js';
import { releaseUrl } from './handler.js';
import type { SharedState, SkewInfo } from './types.js';

/**
 * Reports the reload that led to this page, if one did: the handler reloads at once and leaves its
 * {@link SkewInfo} in sessionStorage (handler.ts), so the release file is fetched here, after the reload,
 * and only then tells `new-release` from `same-release`. Called by every install(); the first to read the
 * report removes it, so it is reported once.
 */
export async function reportReload(w: Window, s: SharedState): Promise<void> {
  // A microtask later: an `install({ onSkew })` in the entry, right after `import '@skewless/runtime'`
  // installed with defaults, has replaced the options by then (the entry's module graph runs in one go).
  await 0;
  let info: SkewInfo | null | undefined;
  try {
    info = JSON.parse(w.sessionStorage.getItem(REPORT_KEY) as string);
    w.sessionStorage.removeItem(REPORT_KEY);
    // Only when there is a reload to report: a page load costs no request otherwise. Not bounded by a
    // timeout: nothing waits for it but the report.
    if (info) info.live = (await (await w.fetch(releaseUrl(s), { cache: 'no-store' })).json()).release;
  } catch {
    // No release file, or not JSON: the live release stays unknown, the reason 'same-release'. No storage:
    // no report either.
  }
  if (!info) return;
  // `current` is the page that reloaded, not this one: a new release is one that differs from it.
  if (info.reason === 'load-error')
    info.reason = info.live && info.live !== info.current ? 'new-release' : 'same-release';
  // Read now, not before the fetch: the latest install()'s options. A throw here is the app's own.
  s.o?.onSkew?.(info);
}
