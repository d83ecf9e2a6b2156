import { postJson, shellQuote } from './http.js';

/** The Fastly API, overridable for tests. */
export const fastlyApi = () =>
  (process.env.SKEWLESS_FASTLY_API || 'https://api.fastly.com').replace(/\/+$/, '');

/** Purge one surrogate key of a service (a soft purge marks it stale instead of dropping it). */
export async function fastlyPurge(
  serviceId: string,
  key: string,
  soft: boolean,
  token: string,
  timeoutMs: number,
): Promise<void> {
  await postJson(
    `${fastlyApi()}/service/${encodeURIComponent(serviceId)}/purge/${encodeURIComponent(key)}`,
    { 'fastly-key': token, ...(soft ? { 'fastly-soft-purge': '1' } : {}) },
    undefined,
    timeoutMs,
  );
}

/** The same purge as a curl command, the token left as the environment variable. */
export function fastlyManual(serviceId: string, keys: string[], soft: boolean): string {
  return keys
    .map(
      (key) =>
        `curl -X POST -H "Fastly-Key: $FASTLY_API_TOKEN"${soft ? ` -H 'Fastly-Soft-Purge: 1'` : ''} ${shellQuote(`${fastlyApi()}/service/${serviceId}/purge/${key}`)}`,
    )
    .join(' && ');
}
