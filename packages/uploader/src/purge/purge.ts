import type { Logger, PurgeReport, PurgeTarget, TargetOptions } from '@skewless/core';
import { parsePurgeTarget, SkewlessError } from '@skewless/core';
import { withRetry } from '../targets/retry.js';
import { cloudflareBodies, cloudflareManual, cloudflarePurge } from './cloudflare.js';
import {
  assertCloudFrontSdk,
  CLOUDFRONT_PATHS_PER_REQUEST,
  cloudFrontInvalidator,
  cloudFrontManual,
} from './cloudfront.js';
import { fastlyBatches, fastlyManual, fastlyPurge } from './fastly.js';
import { batches } from './http.js';

/**
 * The cache tag / surrogate key the origin handler (@skewless/origin) gives every document, whatever its
 * release: purging it drops cached HTML and control files and keeps the immutable assets that open tabs
 * of older releases still load.
 */
export const DOCUMENT_TAG = 'skewless-document';

/** What a purge needs besides the list of entries. */
export interface PurgeSettings extends Pick<TargetOptions, 'credentials' | 'profile'> {
  /** The `purge` entries, as given. */
  purge: readonly string[];
  /** The public URL of the build (`publicUrl`, else `verifyUrl`). */
  publicUrl?: string;
  /** The target's key of a manifest path (its prefix included), for paths without a public URL. */
  key: (path: string) => string;
  attempts: number;
  retryDelayMs: number;
  timeoutMs: number;
  logger: Logger;
}

const TOKEN_ENV = { cloudflare: 'CLOUDFLARE_API_TOKEN', fastly: 'FASTLY_API_TOKEN' } as const;

/**
 * Check, before anything is uploaded, what a purge after the publish will need: the SDK for CloudFront, a
 * token in the environment for Cloudflare and Fastly, a public URL for a purge by URL. A deploy that
 * could not purge fails here, with nothing written.
 */
export function preparePurge(
  purge: readonly string[],
  publicUrl: string | undefined,
  nothingDone = 'Nothing was written.',
): PurgeTarget[] {
  const targets = purge.map((spec) => {
    const parsed = parsePurgeTarget(spec);
    // The validator refused these already; this keeps the types honest.
    if ('problem' in parsed) throw new SkewlessError('INVALID_OPTIONS', `'purge' ${parsed.problem}.`);
    return parsed;
  });
  const problems: string[] = [];
  for (const t of targets) {
    if (t.cdn === 'cloudfront') assertCloudFrontSdk();
    else if (!process.env[TOKEN_ENV[t.cdn]])
      problems.push(
        `a ${t.cdn === 'cloudflare' ? 'Cloudflare' : 'Fastly'} purge needs an API token in the environment variable ${TOKEN_ENV[t.cdn]}, which is not set.`,
      );
    if (t.cdn === 'cloudflare' && t.by === 'url' && !publicUrl)
      problems.push(
        `a Cloudflare purge by URL needs the documents' public URL: pass --public-url https://…/ (the 'publicUrl' option), or purge by tag with 'cloudflare:${t.zoneId}:tags'.`,
      );
  }
  if (problems.length > 0)
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `${[...new Set(problems)]
        .map((p, i) => (i === 0 ? p : p[0]?.toUpperCase() + p.slice(1)))
        .join(' ')} ${nothingDone}`,
    );
  return targets;
}

/**
 * The URL paths of the documents as the CDN caches them: under the public URL's path when there is one,
 * else under the target's keys. An `index.html` is also cached under its directory (`/app/`).
 */
export function documentUrls(
  documents: readonly string[],
  settings: Pick<PurgeSettings, 'publicUrl' | 'key'>,
): string[] {
  const base = settings.publicUrl
    ? new URL(settings.publicUrl.endsWith('/') ? settings.publicUrl : `${settings.publicUrl}/`)
    : new URL('http://cdn.invalid/');
  const urls: string[] = [];
  for (const path of documents) {
    const relative = settings.publicUrl ? path : settings.key(path);
    const url = new URL(relative.split('/').map(encodeURIComponent).join('/'), base);
    urls.push(url.href);
    if (path === 'index.html' || path.endsWith('/index.html')) urls.push(new URL('./', url).href);
  }
  return [...new Set(urls)];
}

/**
 * Purge the published documents at every CDN asked for, one after the other. Each request has the
 * deadline and the retries of the target's requests. Never throws: the documents are live whatever the
 * CDN answers, so each failure is a report (and a warning with the command to purge by hand).
 */
export function purgeDocuments(
  targets: readonly PurgeTarget[],
  documents: readonly string[],
  release: string,
  settings: PurgeSettings,
): Promise<PurgeReport[]> {
  return purgeAtCdns(
    targets,
    {
      urls: documentUrls(documents, settings),
      tags: [DOCUMENT_TAG],
      reference: `skewless-${release}-${Date.now()}`,
      afterFailure:
        'The documents are published and nothing was rolled back; until the cached copies expire the CDN may serve the previous ones.',
    },
    settings,
  );
}

/**
 * Purge what a prune deleted: the deleted files' URLs (CloudFront paths, Cloudflare by URL), or the
 * dropped releases' ids, the tag and surrogate key `@skewless/origin` gives every file of a release
 * (Cloudflare `:tags`, Fastly). A file a kept release shares may carry a dropped release's tag too: the
 * CDN then fetches it again from the origin, which still has it. Never throws, as {@link purgeDocuments}.
 */
export function purgePruned(
  targets: readonly PurgeTarget[],
  deleted: readonly string[],
  dropped: readonly string[],
  settings: PurgeSettings,
): Promise<PurgeReport[]> {
  return purgeAtCdns(
    targets,
    {
      urls: documentUrls(deleted, settings),
      tags: [...dropped],
      reference: `skewless-prune-${Date.now()}`,
      afterFailure:
        'The objects are deleted; until the cached copies expire the CDN may still serve them (their own bytes, under names no kept release uses).',
    },
    settings,
  );
}

/** What one purge asks each CDN for. */
interface PurgeItems {
  /** Full URLs; CloudFront gets their paths. */
  urls: string[];
  /** Cache tags / surrogate keys, for Cloudflare `:tags` and Fastly. */
  tags: string[];
  /** CloudFront's caller reference; each batch gets its number appended. */
  reference: string;
  /** The warning's sentence on what stands after a failed purge. */
  afterFailure: string;
}

async function purgeAtCdns(
  targets: readonly PurgeTarget[],
  what: PurgeItems,
  settings: PurgeSettings,
): Promise<PurgeReport[]> {
  const { logger } = settings;
  const paths = what.urls.map((u) => new URL(u).pathname);
  const retry = {
    attempts: settings.attempts,
    baseDelayMs: settings.retryDelayMs,
    onRetry: (error: unknown, attempt: number, delay: number) =>
      logger.debug(`purge attempt ${attempt} failed (${message(error)}); retrying in ${delay} ms`),
  };
  const reports: PurgeReport[] = [];
  for (const [i, t] of targets.entries()) {
    const spec = settings.purge[i] as string;
    let items: string[];
    let manual: string;
    let run: () => Promise<void>;
    if (t.cdn === 'cloudfront') {
      items = paths;
      manual = cloudFrontManual(t.distributionId, items);
      run = async () => {
        const client = await cloudFrontInvalidator(settings, settings.timeoutMs);
        try {
          for (const [n, batch] of batches(items, CLOUDFRONT_PATHS_PER_REQUEST).entries()) {
            const reference = n === 0 ? what.reference : `${what.reference}-${n + 1}`;
            const id = await withRetry(() => client.invalidate(t.distributionId, batch, reference), retry);
            logger.debug(`CloudFront invalidation ${id ?? ''} of ${t.distributionId} created`);
          }
        } finally {
          client.close();
        }
      };
    } else if (t.cdn === 'cloudflare') {
      items = t.by === 'tag' ? what.tags : what.urls;
      manual = cloudflareManual(t.zoneId, items, t.by);
      const token = process.env.CLOUDFLARE_API_TOKEN as string;
      run = async () => {
        for (const body of cloudflareBodies(items, t.by))
          await withRetry(() => cloudflarePurge(t.zoneId, body, token, settings.timeoutMs), retry);
      };
    } else {
      items = what.tags;
      manual = fastlyManual(t.serviceId, items, t.soft);
      const token = process.env.FASTLY_API_TOKEN as string;
      run = async () => {
        for (const keys of fastlyBatches(items))
          await withRetry(() => fastlyPurge(t.serviceId, keys, t.soft, token, settings.timeoutMs), retry);
      };
    }
    if (items.length === 0) {
      reports.push({ target: spec, ok: true, items, manual: '' });
      continue;
    }
    try {
      await run();
      reports.push({ target: spec, ok: true, items, manual });
      logger.info(
        `purged ${items.length} ${t.cdn === 'cloudfront' ? 'path' : t.cdn === 'fastly' || t.by === 'tag' ? 'tag' : 'URL'}(s) at ${spec}`,
      );
    } catch (error) {
      const why = message(error);
      reports.push({ target: spec, ok: false, items, error: why, manual });
      logger.warn(`the purge at ${spec} failed (${why}). ${what.afterFailure} Purge by hand: ${manual}`);
    }
  }
  return reports;
}

/** A failure's message with any token of the environment blanked out, whatever put it there. */
function message(error: unknown): string {
  const e = error as Error & { name?: string; cause?: { code?: unknown; message?: unknown } };
  let text = `${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(error)}`;
  // fetch says only "fetch failed"; the reason (ECONNREFUSED, a TLS error) is in its cause.
  const cause = e?.cause;
  const why =
    cause && typeof cause === 'object'
      ? [cause.code, cause.message].filter((x) => typeof x === 'string' && x !== '').join(': ')
      : '';
  if (why) text += ` (${why})`;
  for (const name of Object.values(TOKEN_ENV)) {
    const token = process.env[name];
    if (token) text = text.split(token).join(`$${name}`);
  }
  return text;
}
