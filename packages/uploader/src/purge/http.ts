/** A failed CDN API request, shaped so `isRetryable` (targets/retry.ts) retries 5xx and 429. */
export class PurgeHttpError extends Error {
  override name = 'PurgeHttpError';
  readonly $metadata: { httpStatusCode: number };
  constructor(status: number, detail: string) {
    super(`HTTP ${status}${detail ? `: ${detail}` : ''}`);
    this.$metadata = { httpStatusCode: status };
  }
}

/**
 * POST to a CDN API with a deadline: a server that never answers fails the attempt with a TimeoutError
 * (retried). Answers other than 2xx throw {@link PurgeHttpError} with the API's own error messages, never
 * the request's headers (they hold the token).
 */
export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  timeoutMs: number,
): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw new PurgeHttpError(response.status, apiErrors(parsed));
  return parsed;
}

/** The error messages of a Cloudflare (`errors[].message`) or Fastly (`msg`, `detail`) answer, short. */
export function apiErrors(parsed: unknown): string {
  const p = parsed as { errors?: { code?: unknown; message?: unknown }[]; msg?: unknown; detail?: unknown };
  const parts: string[] = [];
  if (Array.isArray(p?.errors))
    for (const e of p.errors)
      if (typeof e?.message === 'string') parts.push(`${e.code ?? ''} ${e.message}`.trim());
  if (typeof p?.msg === 'string') parts.push(p.msg);
  if (typeof p?.detail === 'string') parts.push(p.detail);
  return parts.join('; ').slice(0, 300);
}

/** A value quoted for a POSIX shell, for the by-hand commands. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Items in batches of at most `size`, for the APIs' per-request limits. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
