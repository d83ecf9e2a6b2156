import { SkewlessError } from '@skewless/core';
import { cloudflareConfig, cloudflareNotes } from './cloudflare.js';
import { cloudfrontConfig, cloudfrontNotes } from './cloudfront.js';
import { fastlyConfig } from './fastly.js';
import { namingRules, purgeNote } from './naming.js';
import { nginxConfig } from './nginx.js';
import { s3LifecycleConfig } from './s3-lifecycle.js';
import type { CdnConfigOptions, CdnProvider } from './types.js';

/** Every provider `cdnConfig()` knows. */
export const CDN_PROVIDERS: readonly CdnProvider[] = [
  'nginx',
  'cloudfront',
  'cloudflare',
  'fastly',
  's3-lifecycle',
];

/**
 * Configuration text for a cache in front of a Skewless site, built from the same naming rule the
 * classifier uses: a long TTL only for content-hashed names, no query string in the key, errors not
 * stored, documents revalidated.
 */
export function cdnConfig(provider: CdnProvider, options: CdnConfigOptions = {}): string {
  const rules = namingRules(options);
  switch (provider) {
    case 'nginx':
      return nginxConfig(rules, options);
    case 'cloudfront':
      return cloudfrontConfig(rules);
    case 'cloudflare':
      return cloudflareConfig(rules, options);
    case 'fastly':
      return fastlyConfig(rules);
    case 's3-lifecycle':
      return s3LifecycleConfig(rules, options);
    default:
      throw new SkewlessError(
        'INVALID_OPTIONS',
        `unknown CDN provider '${String(provider)}'. Use one of: ${CDN_PROVIDERS.join(', ')}.`,
      );
  }
}

/**
 * What a JSON output cannot carry as comments, for people: printed by the CLI on stderr.
 * Text outputs (nginx, Fastly, Terraform) hold their notes as comments and return none here.
 */
export function cdnConfigNotes(provider: CdnProvider, options: CdnConfigOptions = {}): string[] {
  if (provider === 'cloudfront') return [...cloudfrontNotes(namingRules(options)), purgeNote().join(' ')];
  if (provider === 'cloudflare' && (options.format ?? 'json') === 'json')
    return [...cloudflareNotes(namingRules(options)), purgeNote().join(' ')];
  return [];
}
