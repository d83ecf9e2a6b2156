/** Where the CDN sends a request class. */
export type Backend = 'origins' | 'bucket';

/** The nginx that plays balancer and CDN in a scenario. */
export interface CdnOptions {
  /** Ports of the origin pool, balanced round robin (the seeds' ELB). */
  origins: readonly number[];
  /** The bucket, when a scenario has one: s3rver's port and the bucket name (path-style). */
  bucket?: { port: number; name: string };
  /** Who serves `/assets/*`. */
  assets: Backend;
  /** Who serves everything else (HTML, the release file, public files). @default 'origins' */
  site?: Backend;
  /**
   * The cache key of `/assets/*`: `request_uri` keeps the query string; `uri` drops it, like a CDN
   * distribution left at "forward no query strings".
   * @default 'request_uri'
   */
  cacheKey?: 'request_uri' | 'uri';
  /**
   * Put the documents the bucket serves (`/`, and the SPA's routes) through the cache as well, honouring
   * their Cache-Control like `/assets/*`. Only for `site: 'bucket'`.
   * @default false
   */
  cacheDocuments?: boolean;
}

function backendBlock(backend: Backend, options: CdnOptions, pathPrefix: string): string {
  if (backend === 'origins') return 'proxy_pass http://origins;';
  const bucket = options.bucket;
  if (!bucket) throw new Error('[skewless] the scenario routes to the bucket but started none.');
  // Path-style addressing; the Host header is s3rver's own so it does not read a bucket from it.
  return `proxy_pass http://bucket/${bucket.name}${pathPrefix};
      proxy_set_header Host 127.0.0.1:${bucket.port};`;
}

/**
 * The body of nginx's `http {}` block for e2e/src/nginx.ts (`{{port}}`, `{{prefix}}` placeholders): a round-robin upstream over the origins, a bucket upstream,
 * and a proxy cache on `/assets/*` that honours the backends' Cache-Control (errors included, as
 * CloudFront does) and keeps successful answers without one for a day (a CDN's default TTL). HTML is not cached at the edge unless `cacheDocuments`: every scenario's documents are `no-cache` or
 * uncached, so what a page sees is decided by which origin the balancer picks.
 */
export function cdnConfig(options: CdnOptions): string {
  const upstreams: string[] = [];
  // A scenario served wholly from the bucket has no origins; nginx refuses an empty upstream.
  if (options.origins.length) {
    upstreams.push(
      `upstream origins {\n${options.origins.map((p) => `    server 127.0.0.1:${p};`).join('\n')}\n  }`,
    );
  }
  if (options.bucket) upstreams.push(`upstream bucket {\n    server 127.0.0.1:${options.bucket.port};\n  }`);
  const key = options.cacheKey === 'uri' ? '$uri' : '$request_uri';
  const site = options.site ?? 'origins';
  const documentCache = options.cacheDocuments
    ? '\n      proxy_cache cdn;\n      proxy_cache_revalidate on;'
    : '';
  // A route of the SPA (a path without a dot, such as /about after a reload) gets index.html, as a
  // CloudFront function or an S3 error document does for a site in a bucket; files keep their own path.
  const siteIndex =
    site === 'bucket'
      ? `\n    location = / {\n      ${backendBlock('bucket', options, '/index.html')}${documentCache}\n    }
    location ~ ^/[^.]*$ {
      rewrite ^ /${options.bucket?.name}/index.html break;
      proxy_pass http://bucket;
      proxy_set_header Host 127.0.0.1:${options.bucket?.port};${documentCache}
    }`
      : '';
  return `
  proxy_cache_path {{prefix}}/cache levels=1:2 keys_zone=cdn:1m max_size=64m inactive=1h use_temp_path=off;
  ${upstreams.join('\n  ')}
  server {
    listen 127.0.0.1:{{port}};
    add_header X-Cache-Status $upstream_cache_status always;
    add_header X-Upstream $upstream_addr always;
    location /assets/ {
      ${backendBlock(options.assets, options, '/assets/')}
      proxy_cache cdn;
      proxy_cache_key ${key};
      # A CDN's default TTL for answers without Cache-Control (CloudFront: 24 h); 2xx/3xx only.
      proxy_cache_valid 200 301 302 1d;
    }${siteIndex}
    location / {
      ${backendBlock(site, options, '/')}
    }
  }
`;
}
