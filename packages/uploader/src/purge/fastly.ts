import { batches, postJson, shellQuote } from './http.js';

/** The Fastly API, overridable for tests. */
export const fastlyApi = () =>
  (process.env.SKEWLESS_FASTLY_API || 'https://api.fastly.com').replace(/\/+$/, '');

/** Surrogate keys per batch purge request: the most Fastly's batch endpoint accepts. */
export const FASTLY_KEYS_PER_REQUEST = 256;

/** The keys of a purge in the batches it is sent in. */
export function fastlyBatches(keys: readonly string[]): string[][] {
  return batches(keys, FASTLY_KEYS_PER_REQUEST);
}

/**
 * Purge surrogate keys of a service (a soft purge marks them stale instead of dropping them): one key
 * by its own URL, several in one batch request with the keys in a `Surrogate-Key` header.
 */
export async function fastlyPurge(
  serviceId: string,
  keys: readonly string[],
  soft: boolean,
  token: string,
  timeoutMs: number,
): Promise<void> {
  const service = `${fastlyApi()}/service/${encodeURIComponent(serviceId)}/purge`;
  const headers = { 'fastly-key': token, ...(soft ? { 'fastly-soft-purge': '1' } : {}) };
  if (keys.length === 1)
    await postJson(`${service}/${encodeURIComponent(keys[0] as string)}`, headers, undefined, timeoutMs);
  else await postJson(service, { ...headers, 'surrogate-key': keys.join(' ') }, undefined, timeoutMs);
}

/** The same purge as curl commands, the token left as the environment variable. */
export function fastlyManual(serviceId: string, keys: readonly string[], soft: boolean): string {
  const head = `curl -X POST -H "Fastly-Key: $FASTLY_API_TOKEN"${soft ? ` -H 'Fastly-Soft-Purge: 1'` : ''}`;
  return fastlyBatches(keys)
    .map((batch) =>
      batch.length === 1
        ? `${head} ${shellQuote(`${fastlyApi()}/service/${serviceId}/purge/${batch[0]}`)}`
        : `${head} -H ${shellQuote(`Surrogate-Key: ${batch.join(' ')}`)} ${shellQuote(`${fastlyApi()}/service/${serviceId}/purge`)}`,
    )
    .join(' && ');
}
