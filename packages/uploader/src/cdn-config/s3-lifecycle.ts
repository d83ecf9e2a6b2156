import { SkewlessError } from '@skewless/core';
import { RELEASES_DIR } from '../releases/paths.js';
import type { NamingRules } from './naming.js';
import type { CdnConfigOptions } from './types.js';

/**
 * A bucket lifecycle configuration (`aws s3api put-bucket-lifecycle-configuration
 * --lifecycle-configuration file://…`) that never expires a live file. Lifecycle ages count from
 * object creation, and an upload that skips unchanged files does not renew them: an expiry on the
 * asset prefix would delete assets that pages still reference. So only two kinds of clean-up, both
 * under the site's key prefix (`s3://bucket/<prefix>`, where `skewless upload --to` puts it):
 * abandoned multipart uploads (invisible, but billed) and the temporary prefix. Skewless writes nothing
 * there itself (its only leftovers are multipart parts, which the first rule covers): the prefix is for
 * the user's own short-lived keys (preview builds, CI scratch files).
 */
export function s3LifecycleConfig(rules: NamingRules, options: CdnConfigOptions): string {
  const keyPrefix = normaliseKeyPrefix(options.bucketPrefix ?? '');
  const temp = (options.tempPrefix ?? '.skewless/tmp/').replace(/^\/+/, '');
  // Folders of live files, relative to the key prefix: the assets, the release manifests (prune reads
  // them), and every folder the build's manifest lists.
  const live = [
    ...(rules.prefix === '/' ? [] : [rules.prefix.slice(1)]),
    ...(options.manifest?.assetsDir ? [`${options.manifest.assetsDir.replace(/^\/+|\/+$/g, '')}/`] : []),
    `${RELEASES_DIR}/`,
    ...(options.manifest?.files ?? []).map((f) => f.path),
  ];
  // Either containing the other is an overlap: a parent expires them all, a child some of them.
  const overlaps = (path: string) => path.startsWith(temp) || temp.startsWith(path);
  const covered = live.find(overlaps);
  if (!temp.endsWith('/') || temp === '/' || covered !== undefined) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `temporary prefix '${temp}' would expire live files${covered ? ` ('${keyPrefix}${covered}')` : ''}. Pass a folder of its own ending in '/', e.g. .skewless/tmp/ (relative to the bucket prefix).`,
    );
  }
  const config = {
    Rules: [
      {
        ID: `${rules.name}-abort-incomplete-multipart-uploads`,
        Status: 'Enabled',
        // Only this site's uploads: another site's under the same bucket may still be running.
        Filter: { Prefix: keyPrefix },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
      {
        ID: `${rules.name}-expire-temporary-keys`,
        Status: 'Enabled',
        Filter: { Prefix: `${keyPrefix}${temp}` },
        Expiration: { Days: 1 },
      },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** `app`, `/app/`, `s3://bucket/app` → `app/`; nothing → '' (the whole bucket). */
function normaliseKeyPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^s3:\/\/[^/]+/, '').replace(/^\/+|\/+$/g, '');
  if (/\/\/|(^|\/)\.\.?(\/|$)/.test(trimmed)) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `bucket prefix '${prefix}' is not a key prefix. Pass the prefix of --to s3://bucket/<prefix>, e.g. app.`,
    );
  }
  return trimmed ? `${trimmed}/` : '';
}
