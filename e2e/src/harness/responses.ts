import type { Page } from '@playwright/test';

/** One response a page got: what the CDN answered and whether it came from its cache. */
export interface SeenResponse {
  status: number;
  /** URL path with its query. */
  path: string;
  /** nginx's `X-Cache-Status` (`HIT`, `MISS`, …), `''` for a location without a cache. */
  cache: string;
}

/** Record every http(s) response `page` gets from now on, in order. */
export function recordResponses(page: Page): SeenResponse[] {
  const seen: SeenResponse[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
    seen.push({
      status: response.status(),
      path: url.pathname + url.search,
      cache: response.headers()['x-cache-status'] ?? '',
    });
  });
  return seen;
}

/** The release id the page's `<meta name="skewless-release">` names, `''` when there is none. */
export function pageRelease(page: Page): Promise<string> {
  return page.evaluate(
    () => document.querySelector<HTMLMetaElement>('meta[name="skewless-release"]')?.content ?? '',
  );
}

/** The release the rendered route's chunk was built for (About and News stamp it), `''` for others. */
export function chunkVersion(page: Page): Promise<string> {
  return page.evaluate(
    () => document.querySelector<HTMLElement>('#view [data-chunk-version]')?.dataset.chunkVersion ?? '',
  );
}
