/** A content coding the origin can serve from a precompressed sibling file. */
export type Encoding = 'br' | 'gzip';

/** The sibling file suffix of each coding. */
export const SIBLING_SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

/**
 * The codings a client accepts, best first (brotli before gzip: smaller for the same text), from its
 * Accept-Encoding header. A coding with `q=0` is refused; `*` stands for any coding not named.
 */
export function acceptedEncodings(header: string | string[] | undefined): Encoding[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const q = new Map<string, number>();
  for (const part of text.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const any = q.get('*');
  const accepted = (name: string) => (q.get(name) ?? any ?? 0) > 0;
  return (['br', 'gzip'] as const).filter(accepted);
}
