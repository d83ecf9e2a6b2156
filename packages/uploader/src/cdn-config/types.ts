import type { HashFormat, Manifest } from '@skewless/core';

/** The caches `cdnConfig()` writes configuration for. */
export type CdnProvider = 'nginx' | 'cloudfront' | 'cloudflare' | 'fastly' | 's3-lifecycle';

/** Options of `cdnConfig()`; every field has a default, the manifest fills in what it knows. */
export interface CdnConfigOptions {
  /**
   * The build's manifest: its hash format, `base` and `assetsDir` are used unless given below.
   * @default undefined
   */
  manifest?: Pick<Manifest, 'hash' | 'base' | 'assetsDir'> & Partial<Pick<Manifest, 'files'>>;
  /**
   * The hash format of emitted names; must match the plugin's, or hashed files are not recognised.
   * @default manifest.hash, else { length: 8, characters: 'hex' }
   */
  hash?: HashFormat;
  /**
   * The URL path the site is served under (Vite's `base`, SvelteKit's `paths.base`, Astro's `base`):
   * the framework folders are looked for at its root.
   * @default manifest.base when absolute, else '/'
   */
  base?: string;
  /**
   * The URL path prefix under which hashed assets live, e.g. `assets/` or `/admin/assets/`.
   * @default `${base}${manifest.assetsDir}/`, else `${base}assets/`
   */
  prefix?: string;
  /**
   * Give every file in SvelteKit's `_app/immutable/` and Astro's `_astro/` at the root of `base` the
   * year, as the classifier does on a bare directory (those frameworks name files `app.1cf46e3d.js`, which
   * the `-<hash>.` rule does not match); source maps, HTML and dot files excepted.
   * @default with a manifest that lists files, each folder in which it lists an immutable file and
   * nothing else the rule would cover; without one, true
   */
  frameworkFolders?: boolean;
  /**
   * The origin the cache fetches from (nginx upstream, Fastly backend note), `http(s)://host[:port]`.
   * @default 'http://127.0.0.1:8080'
   */
  origin?: string;
  /**
   * Output format for Cloudflare: the Rulesets API JSON, or a Terraform `cloudflare_ruleset` resource.
   * @default 'json'
   */
  format?: 'json' | 'terraform';
  /**
   * Name of the generated policy, ruleset or cache zone.
   * @default 'skewless'
   */
  name?: string;
  /**
   * nginx: the `listen` parameter of the server block (a port, or `address:port`). Refused when it is
   * the origin's port on loopback (nginx would proxy to itself).
   * @default 80
   */
  listen?: string | number;
  /**
   * nginx: the directory of the proxy cache (`proxy_cache_path`). nginx creates only its last
   * directory: the parent must exist, or `nginx -t` fails.
   * @default `/var/cache/nginx-${name}` (/var/cache exists everywhere; nginx creates the rest)
   */
  cachePath?: string;
  /**
   * s3-lifecycle: the key prefix of temporary objects that may be expired, relative to `bucketPrefix`.
   * Never a prefix of live files (assets, release manifests, any file the manifest lists).
   * @default '.skewless/tmp/'
   */
  tempPrefix?: string;
  /**
   * s3-lifecycle: the key prefix of the site in its bucket, as in `skewless upload --to
   * s3://bucket/<prefix>` (`app`, or the whole `s3://bucket/app`). Every rule's Filter.Prefix sits under it.
   * @default '' (the whole bucket)
   */
  bucketPrefix?: string;
}
