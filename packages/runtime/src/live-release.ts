let hinted = false;

/** How long a check waits for the release file. */
export const FETCH_TIMEOUT_MS = 10_000;

/**
 * The release id the release file names, or undefined (offline, no file, not JSON). An HTML answer is a
 * server's SPA fallback standing in for a missing file: the live release stays unknown, and the console
 * says once how to fix it, since no new deploy could ever be noticed otherwise.
 */
export async function liveRelease(w: Window, url: string, init: RequestInit): Promise<string | undefined> {
  try {
    // Bounded, unless the caller brings its own signal: a release file that never answers is "unknown".
    const res = await w.fetch(url, { signal: AbortSignal.timeout?.(FETCH_TIMEOUT_MS), ...init });
    if (/html/i.test(res.headers.get('content-type') ?? '')) {
      if (!hinted)
        // biome-ignore lint/suspicious/noConsole: the one hint the runtime gives; a fallback swallowing the release file is otherwise invisible
        console.warn(
          `[skewless] ${url} answered with HTML, not the release file: the server's SPA fallback covers it, so new deploys go unnoticed. Serve it as a file, or move it where the fallback does not reach with skewless({ releaseFile: 'assets/skewless.json' }).`,
        );
      hinted = true;
      return undefined;
    }
    const live = ((await res.json()) as { release?: unknown }).release;
    return typeof live === 'string' && live ? live : undefined;
  } catch {
    // Offline or no release file: the caller looks again next time.
    return undefined;
  }
}
