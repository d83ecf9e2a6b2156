import { SkewlessError } from '../errors.js';
import { RELEASES_DIR } from '../releases.js';
import type { NamingRules } from './naming.js';
import type { CdnConfigOptions } from './types.js';

/**
 * A bucket lifecycle configuration (`aws s3api put-bucket-lifecycle-configuration
 * --lifecycle-configuration file://…`) that never expires a live file. Lifecycle ages count from
 * object creation, and an upload that skips unchanged files does not renew them: an expiry on the
 * asset prefix would delete assets that pages still reference. So only two kinds of clean-up:
 * abandoned multipart uploads (invisible, but billed) and the temporary prefix.
 */
export function s3LifecycleConfig(rules: NamingRules, options: CdnConfigOptions): string {
  const temp = (options.tempPrefix ?? '.skewless/tmp/').replace(/^\/+/, '');
  const assets = rules.prefix.slice(1);
  // Either containing the other is an overlap: a parent expires them all, a child some of them.
  const overlaps = (live: string) => live.startsWith(temp) || temp.startsWith(live);
  if (
    !temp.endsWith('/') ||
    temp === '/' ||
    (assets !== '' && overlaps(assets)) ||
    overlaps(`${RELEASES_DIR}/`)
  ) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `temporary prefix '${temp}' would expire live files. Pass a folder of its own ending in '/', e.g. .skewless/tmp/.`,
    );
  }
  const config = {
    Rules: [
      {
        ID: `${rules.name}-abort-incomplete-multipart-uploads`,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
      {
        ID: `${rules.name}-expire-temporary-keys`,
        Status: 'Enabled',
        Filter: { Prefix: temp },
        Expiration: { Days: 1 },
      },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
