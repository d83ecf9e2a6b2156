import { batches, postJson, shellQuote } from './http.js';

/** The Cloudflare API, overridable for tests. */
export const cloudflareApi = () =>
  (process.env.SKEWLESS_CLOUDFLARE_API || 'https://api.cloudflare.com/client/v4').replace(/\/+$/, '');

/**
 * URLs (or tags) per purge request: the most every Cloudflare plan has accepted in one call (30 on the
 * older limits, 100 today), so no plan refuses a batch.
 */
export const CLOUDFLARE_URLS_PER_REQUEST = 30;

/** The request bodies of a purge: URLs or tags, in batches. */
export function cloudflareBodies(
  items: readonly string[],
  by: 'url' | 'tag',
): { files?: string[]; tags?: string[] }[] {
  return batches(items, CLOUDFLARE_URLS_PER_REQUEST).map((batch) =>
    by === 'tag' ? { tags: batch } : { files: batch },
  );
}

/** Send one purge request; Cloudflare may answer 200 with `success: false`. */
export async function cloudflarePurge(
  zoneId: string,
  body: { files?: string[]; tags?: string[] },
  token: string,
  timeoutMs: number,
): Promise<void> {
  const answer = (await postJson(
    `${cloudflareApi()}/zones/${encodeURIComponent(zoneId)}/purge_cache`,
    { authorization: `Bearer ${token}` },
    body,
    timeoutMs,
  )) as { success?: boolean } | undefined;
  if (answer?.success === false) throw new Error('the API answered success: false');
}

/** The same purge as curl commands, one a batch, the token left as the environment variable. */
export function cloudflareManual(zoneId: string, items: readonly string[], by: 'url' | 'tag'): string {
  return cloudflareBodies(items, by)
    .map(
      (body) =>
        `curl -X POST ${shellQuote(`${cloudflareApi()}/zones/${zoneId}/purge_cache`)} -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" -H 'Content-Type: application/json' --data ${shellQuote(JSON.stringify(body))}`,
    )
    .join(' && ');
}
