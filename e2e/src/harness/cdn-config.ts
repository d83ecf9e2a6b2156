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
   * Put the documents the bucket serves (`/`, and the SPA's routes) through the cache as well. `true`:
   * honouring their Cache-Control like `/assets/*` (nginx stores no `no-cache` answer, so each is a
   * MISS). `'revalidate'`: a CDN that caches HTML and revalidates it, as RFC 9111 reads `no-cache`: it
   * stores each document and, before every use, asks the bucket with the stored ETag and Last-Modified
   * (`proxy_cache_revalidate`): a 304 serves the stored copy (`REVALIDATED`), a 200 replaces it
   * (`EXPIRED`). Only for `site: 'bucket'`.
   * @default false
   */
  cacheDocuments?: boolean | 'revalidate';
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
 * What a revalidating document location adds: the hop's X-Accel-Expires decides, not Cache-Control; the
 * bucket's status on each request (304 on a revalidation that kept the copy) is reported. A location's
 * add_header replaces the server's, so the cache status headers are repeated here.
 */
const REVALIDATE_DIRECTIVES = `
      proxy_ignore_headers Cache-Control Expires;
      add_header X-Cache-Status $upstream_cache_status always;
      add_header X-Upstream $upstream_addr always;
      add_header X-Upstream-Status $upstream_status always;`;

/** The socket of the inner hop that gives the bucket's documents an already-ended TTL ('revalidate'). */
const EDGE_TTL_SOCKET = '{{prefix}}/edge-ttl.sock';

/**
 * nginx never stores an answer marked `no-cache`, and its shortest TTL is a second, so it cannot by
 * itself play a CDN that stores HTML and revalidates it on every request. An inner hop in front of the
 * bucket adds `X-Accel-Expires: @1` (valid until 1970): nginx then stores the document as already
 * stale, and every later request revalidates it, with no clock involved. The bucket's own
 * Cache-Control still reaches the browser; the cache ignores it (the hop's header decides).
 */
function edgeTtlServer(options: CdnOptions): string {
  const bucket = options.bucket;
  if (!bucket) throw new Error("[skewless] cacheDocuments: 'revalidate' needs the bucket.");
  return `
  server {
    listen unix:${EDGE_TTL_SOCKET};
    location / {
      proxy_pass http://bucket;
      proxy_set_header Host 127.0.0.1:${bucket.port};
      add_header X-Accel-Expires @1 always;
    }
  }`;
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
  const revalidate = options.cacheDocuments === 'revalidate';
  const documentCache = options.cacheDocuments
    ? `\n      proxy_cache cdn;\n      proxy_cache_revalidate on;${revalidate ? REVALIDATE_DIRECTIVES : ''}`
    : '';
  const documentBackend = () =>
    revalidate
      ? `proxy_pass http://unix:${EDGE_TTL_SOCKET}:/${options.bucket?.name}/index.html;`
      : backendBlock('bucket', options, '/index.html');
  // A route of the SPA (a path without a dot, such as /about after a reload) gets index.html, as a
  // CloudFront function or an S3 error document does for a site in a bucket; files keep their own path.
  const siteIndex =
    site === 'bucket'
      ? `\n    location = / {\n      ${documentBackend()}${documentCache}\n    }
    location ~ ^/[^.]*$ {
      rewrite ^ /${options.bucket?.name}/index.html break;
      ${revalidate ? `proxy_pass http://unix:${EDGE_TTL_SOCKET}:;` : `proxy_pass http://bucket;\n      proxy_set_header Host 127.0.0.1:${options.bucket?.port};`}${documentCache}
    }`
      : '';
  return `
  proxy_cache_path {{prefix}}/cache levels=1:2 keys_zone=cdn:1m max_size=64m inactive=1h use_temp_path=off;
  ${upstreams.join('\n  ')}${revalidate ? edgeTtlServer(options) : ''}
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
