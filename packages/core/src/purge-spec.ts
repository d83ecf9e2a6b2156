// The one syntax of a CDN purge, shared by the engine option (`purge`), the `--purge` flag and the
// plugin's `upload.purge`: `<cdn>:<id>[:<mode>]`.

/** One CDN to purge after the documents are published, parsed from its `purge` entry. */
export type PurgeTarget =
  | { cdn: 'cloudfront'; distributionId: string }
  | { cdn: 'cloudflare'; zoneId: string; by: 'url' | 'tag' }
  | { cdn: 'fastly'; serviceId: string; soft: boolean };

/** What a `purge` entry looks like, for messages. */
export const PURGE_SYNTAX =
  "'cloudfront:<distribution-id>', 'cloudflare:<zone-id>' (by URL), 'cloudflare:<zone-id>:tags', 'fastly:<service-id>' or 'fastly:<service-id>:soft'";

// Ids are short alphanumeric strings at all three CDNs; anything else is a typo (or a pasted token,
// which must not be echoed).
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A `purge` entry as a {@link PurgeTarget}, or the reason it is none (never echoing the entry). */
export function parsePurgeTarget(spec: string): PurgeTarget | { problem: string } {
  const [cdn = '', id = '', mode, ...rest] = spec.split(':');
  if (!ID.test(id) || rest.length > 0) return { problem: `must be one of ${PURGE_SYNTAX}` };
  if (cdn === 'cloudfront' && mode === undefined) return { cdn, distributionId: id };
  if (cdn === 'cloudflare' && (mode === undefined || mode === 'tags'))
    return { cdn, zoneId: id, by: mode === 'tags' ? 'tag' : 'url' };
  if (cdn === 'fastly' && (mode === undefined || mode === 'soft'))
    return { cdn, serviceId: id, soft: mode === 'soft' };
  return { problem: `must be one of ${PURGE_SYNTAX}` };
}
