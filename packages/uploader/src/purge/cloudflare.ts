import { postJson, shellQuote } from './http.js';

/** The Cloudflare API, overridable for tests. */
export const cloudflareApi = () =>
  (process.env.SKEWLESS_CLOUDFLARE_API || 'https://api.cloudflare.com/client/v4').replace(/\/+$/, '');

/**
 * URLs per purge request: the most every Cloudflare plan accepts in one call (Free allows 30; larger
 * plans more), so no plan refuses a batch.
 */
export const CLOUDFLARE_URLS_PER_REQUEST = 30;

/** The request bodies of a purge: URLs in batches, or the tags in one request. */
export function cloudflareBodies(
  items: string[],
  by: 'url' | 'tag',
): { files?: string[]; tags?: string[] }[] {
  if (by === 'tag') return [{ tags: items }];
  const bodies: { files: string[] }[] = [];
  for (let i = 0; i < items.length; i += CLOUDFLARE_URLS_PER_REQUEST)
    bodies.push({ files: items.slice(i, i + CLOUDFLARE_URLS_PER_REQUEST) });
  return bodies;
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

/** The same purge as a curl command, the token left as the environment variable. */
export function cloudflareManual(zoneId: string, items: string[], by: 'url' | 'tag'): string {
  const body = JSON.stringify(by === 'tag' ? { tags: items } : { files: items });
  return `curl -X POST ${shellQuote(`${cloudflareApi()}/zones/${zoneId}/purge_cache`)} -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" -H 'Content-Type: application/json' --data ${shellQuote(body)}`;
}
