import { HASHED_TTL, type NamingRules } from './naming.js';

/**
 * A CloudFront cache policy (`aws cloudfront create-cache-policy --cli-input-json`). CloudFront path
 * patterns are globs and cannot express the hash, so the TTL comes from the origin's Cache-Control
 * (set per class by the uploader): MinTTL 0 lets `no-cache` HTML and `no-store` errors through,
 * MaxTTL allows a year for `immutable` names, DefaultTTL 0 stores nothing that says nothing.
 */
export function cloudfrontConfig(rules: NamingRules): string {
  const policy = {
    CachePolicyConfig: {
      Name: `${rules.name}-assets`,
      Comment: `Skewless: TTL from origin Cache-Control; hashed names (${rules.hash.length} ${rules.hash.characters}) get a year`,
      DefaultTTL: 0,
      MaxTTL: HASHED_TTL,
      MinTTL: 0,
      ParametersInCacheKeyAndForwardedToOrigin: {
        // CloudFront normalises Accept-Encoding to gzip/br itself when these are on.
        EnableAcceptEncodingGzip: true,
        EnableAcceptEncodingBrotli: true,
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
        // `?v=…` must not split the cache: the version is in the name.
        QueryStringsConfig: { QueryStringBehavior: 'none' },
      },
    },
  };
  return `${JSON.stringify(policy, null, 2)}\n`;
}

/** Error codes whose responses CloudFront would otherwise keep (S3 answers a missing key with 403). */
const ERROR_CODES = [403, 404, 500, 502, 503, 504];

/** The distribution's `CustomErrorResponses`: no error kept at the edge. */
export function cloudfrontErrorResponses() {
  return {
    Quantity: ERROR_CODES.length,
    Items: ERROR_CODES.map((ErrorCode) => ({ ErrorCode, ErrorCachingMinTTL: 0 })),
  };
}

/**
 * The distribution's `CacheBehaviors` that take the policy: the assets prefix and each framework folder
 * in use (SvelteKit's `_app/immutable/`, Astro's `_astro/`), which lie outside the prefix. Path patterns
 * are globs, so a behaviour cannot leave out the source maps in those folders; that is why the policy
 * forces no TTL (MinTTL 0) and the origin's `private, no-store` on a map still keeps it out.
 */
export function cloudfrontCacheBehaviors(rules: NamingRules) {
  const patterns = [rules.prefix, ...rules.frameworkFolders.map((f) => `${rules.base}${f}`)].map(
    (p) => `${p}*`,
  );
  const items = [...new Set(patterns)].map((PathPattern) => ({
    PathPattern,
    TargetOriginId: '<your origin id>',
    ViewerProtocolPolicy: 'redirect-to-https',
    CachePolicyId: `<Id of ${rules.name}-assets from create-cache-policy>`,
  }));
  return { Quantity: items.length, Items: items };
}

/** What the JSON cannot say: error caching and the behaviours live on the distribution, not the policy. */
export function cloudfrontNotes(rules: NamingRules): string[] {
  return [
    `CloudFront caches error responses on its own (10 s by default, often 300 s), so a 404 seen during a deploy is served after it. Set the distribution's CustomErrorResponses to ${JSON.stringify(cloudfrontErrorResponses())}.`,
    `Attach the policy to the behaviours serving the hashed files (or to the default behaviour, for the whole site); the distribution's CacheBehaviors, ahead of any wider pattern: ${JSON.stringify(cloudfrontCacheBehaviors(rules))}. S3 without s3:ListBucket answers a missing key with 403, so list 403 too.`,
  ];
}
