import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import command from '../src/cli/cdn-config.js';
import { cdnConfig, cdnConfigNotes, isHashedName, MANIFEST_PATH, silentLogger } from '../src/index.js';

const cloudflareRegex = (expression: string) => {
  // Undo the rules-language string escaping to get the regular expression back.
  const m = /matches "((?:[^"\\]|\\.)*)"/.exec(expression);
  return new RegExp(m![1]!.replace(/\\(.)/g, '$1'));
};

describe('cdnConfig: CloudFront', () => {
  it('is a CachePolicyConfig with the documented fields: path-only key, codings on, TTL from the origin', () => {
    const { CachePolicyConfig: p, ...rest } = JSON.parse(cdnConfig('cloudfront'));
    expect(rest).toEqual({});
    expect(p.Name).toBe('skewless-assets');
    expect(typeof p.Comment).toBe('string');
    expect(p.Comment.length).toBeLessThanOrEqual(128);
    expect(p.MinTTL).toBe(0);
    expect(p.DefaultTTL).toBe(0);
    expect(p.MaxTTL).toBe(31536000);
    const k = p.ParametersInCacheKeyAndForwardedToOrigin;
    expect(k.EnableAcceptEncodingGzip).toBe(true);
    expect(k.EnableAcceptEncodingBrotli).toBe(true);
    expect(k.HeadersConfig).toEqual({ HeaderBehavior: 'none' });
    expect(k.CookiesConfig).toEqual({ CookieBehavior: 'none' });
    expect(k.QueryStringsConfig).toEqual({ QueryStringBehavior: 'none' });
    // The distribution's error caching, as JSON a user can paste: every error code at 0 s.
    const note = cdnConfigNotes('cloudfront').find((n) => n.includes('CustomErrorResponses'))!;
    const errors = JSON.parse(note.slice(note.indexOf('{'), note.lastIndexOf('}') + 1));
    expect(errors.Quantity).toBe(errors.Items.length);
    expect(errors.Items.map((i: { ErrorCode: number }) => i.ErrorCode)).toEqual([
      403, 404, 500, 502, 503, 504,
    ]);
    for (const item of errors.Items)
      expect(item).toEqual({ ErrorCode: item.ErrorCode, ErrorCachingMinTTL: 0 });
  });
});

describe('cdnConfig: CloudFront behaviours', () => {
  const behaviours = (options: Parameters<typeof cdnConfig>[1]) => {
    const note = cdnConfigNotes('cloudfront', options).find((n) => n.includes('CacheBehaviors'))!;
    return JSON.parse(note.slice(note.indexOf('{'), note.lastIndexOf('}') + 1));
  };

  it('lists a behaviour for the assets prefix and each framework folder under the base; the policy forces no TTL', () => {
    const b = behaviours({ base: '/admin/' });
    expect(b.Quantity).toBe(3);
    expect(b.Items.map((i: { PathPattern: string }) => i.PathPattern)).toEqual([
      '/admin/assets/*',
      '/admin/_app/immutable/*',
      '/admin/_astro/*',
    ]);
    for (const item of b.Items) {
      expect(item.CachePolicyId).toContain('skewless-assets');
      expect(item.ViewerProtocolPolicy).toBe('redirect-to-https');
    }
    // A glob takes the source maps in those folders too: only the origin's no-store keeps them out.
    expect(JSON.parse(cdnConfig('cloudfront', { base: '/admin/' })).CachePolicyConfig.MinTTL).toBe(0);
    expect(behaviours({ frameworkFolders: false }).Items).toEqual([
      expect.objectContaining({ PathPattern: '/assets/*' }),
    ]);
    expect(behaviours({ prefix: '/' }).Items.map((i: { PathPattern: string }) => i.PathPattern)).toEqual([
      '/*',
      '/_app/immutable/*',
      '/_astro/*',
    ]);
  });
});

describe('cdnConfig: Cloudflare', () => {
  it('is a cache-settings ruleset: errors never stored, no query string in the key, a year only for hashed names', () => {
    const r = JSON.parse(cdnConfig('cloudflare', { prefix: '/static/' }));
    expect(r.kind).toBe('zone');
    expect(r.phase).toBe('http_request_cache_settings');
    expect(r.rules).toHaveLength(2);
    for (const rule of r.rules) {
      expect(rule.action).toBe('set_cache_settings');
      expect(typeof rule.expression).toBe('string');
      expect(rule.action_parameters.cache_key).toEqual({
        custom_key: { query_string: { exclude: { all: true } } },
      });
      expect(rule.action_parameters.edge_ttl.status_code_ttl).toEqual([
        { status_code_range: { from: 400, to: 599 }, value: -1 },
      ]);
      expect(rule.action_parameters.browser_ttl).toEqual({ mode: 'respect_origin' });
    }
    const [general, hashed] = r.rules;
    expect(general.expression).toBe('true');
    expect(general.action_parameters.edge_ttl.mode).toBe('respect_origin');
    // Later rules win in Cloudflare: the hashed one comes last.
    expect(hashed.action_parameters.cache).toBe(true);
    expect(hashed.action_parameters.edge_ttl).toMatchObject({ mode: 'override_origin', default: 31536000 });
    const re = cloudflareRegex(hashed.expression);
    expect(re.test('/static/index-1a2b3c4d.js')).toBe(true);
    expect(re.test('/static/chunks/vendor-0f0f0f0f.css')).toBe(true);
    expect(re.test('/static/index.js')).toBe(false);
    expect(re.test('/assets/index-1a2b3c4d.js')).toBe(false);
    expect(re.test('/static/index-1A2B3C4D.js')).toBe(false);
    // The framework folders are a second set, joined by one `or`, with exclusions of their own.
    const [first, second, ...more] = hashed.expression.split(') or (');
    expect(more).toEqual([]);
    expect(first.startsWith('((http.request.uri.path matches "^/static/')).toBe(true);
    expect(second).toBe(
      '(http.request.uri.path matches "^/(?:_app/immutable|_astro)/[\\\\s\\\\S]") and not (http.request.uri.path matches "\\\\.map$") and not (http.request.uri.path matches "\\\\.[Hh][Tt][Mm][Ll]?$") and not (http.request.uri.path matches "^/(?:[^/]*/)*\\\\.(?:[^/w][^/]*|w(?:[^/e][^/]*|e(?:[^/l][^/]*|l(?:[^/l][^/]*|l(?:[^/\\\\-][^/]*|-(?:[^/k][^/]*|k(?:[^/n][^/]*|n(?:[^/o][^/]*|o(?:[^/w][^/]*|w(?:[^/n][^/]*|n[^/]+)?)?)?)?)?)?)?)?)?)?(?:/|$)"))',
    );
  });

  it('renders the same ruleset as Terraform', () => {
    const tf = cdnConfig('cloudflare', { format: 'terraform' });
    expect(tf).toContain('resource "cloudflare_ruleset" "skewless_cache" {');
    expect(tf).toContain('zone_id = var.cloudflare_zone_id');
    expect(tf).toContain('phase = "http_request_cache_settings"');
    expect(tf.match(/^ {2}rules \{$/gm)).toHaveLength(2);
    expect(tf).toContain('default = 31536000');
    expect(tf).toMatch(/query_string \{\n\s+exclude \{\n\s+all = true/);
    expect(tf).toContain('value = -1');
    expect(tf.split('{').length).toBe(tf.split('}').length);
    expect(tf).not.toContain('${');
  });

  it("says in both formats that 'matches' needs a Business or Enterprise plan, with the way out", () => {
    const tf = cdnConfig('cloudflare', { format: 'terraform' });
    expect(tf).toMatch(/^# .*'matches'.*Business and Enterprise plans.*starts_with/m);
    expect(cdnConfigNotes('cloudflare', { format: 'terraform' })).toEqual([]);
    expect(cdnConfigNotes('cloudflare').join('\n')).toMatch(
      /'matches'.*Business and Enterprise.*starts_with/,
    );
  });
});

describe('cdnConfig: the hashed-name rule matches the classifier', () => {
  const cases: [string, { length: number; characters: 'hex' | 'base64' }][] = [
    ['assets/index-1a2b3c4d.js', { length: 8, characters: 'hex' }],
    ['assets/index-1a2b3c4d5e6f7a8b.js', { length: 16, characters: 'hex' }],
    ['assets/index-Ab_9-xYz.js', { length: 8, characters: 'base64' }],
    ['assets/logo-0a1b2c3d.svg', { length: 8, characters: 'hex' }],
  ];
  for (const [path, hash] of cases) {
    it(`${path} (${hash.length} ${hash.characters})`, () => {
      expect(isHashedName(path, hash)).toBe(true);
      const nginx = cdnConfig('nginx', { hash });
      const source = /location ~ "([^"]+)"/.exec(nginx)![1]!;
      const re = new RegExp(source);
      expect(re.test(`/${path}`)).toBe(true);
      expect(re.test(`/${path.replace(/-[^-.]+\./, '.')}`)).toBe(false);
      const fastly = cdnConfig('fastly', { hash });
      expect(fastly).toContain(`req.url.path ~ "${source}"`);
    });
  }

  it('takes hash format, base and assetsDir from a manifest', () => {
    const out = cdnConfig('nginx', {
      manifest: { hash: { length: 12, characters: 'base64' }, base: '/admin/', assetsDir: 'static' },
    });
    const source = /location ~ "([^"]+)"/.exec(out)![1]!;
    // The hashed names under base + assetsDir, then (no file list to say otherwise) the framework folders
    // at the root of the base.
    const [hashed, folders] = source.split('$|^');
    expect(hashed).toMatch(/^\^\/admin\/static\/\(\?!/);
    expect(hashed).toMatch(/\(\?:\[\^\/\]\+\/\)\*\[\^\/\]\+-\[A-Za-z0-9_-\]\{12\}\\\.\[A-Za-z0-9\.\]\+$/);
    expect(folders).toMatch(/^\/admin\/\(\?!.*\(\?:_app\/immutable\|_astro\)\/\[\\s\\S\]$/);
    expect(new RegExp(source).test('/admin/static/index-aB3dE6gH9jK1.js')).toBe(true);
    expect(new RegExp(source).test('/assets/index-aB3dE6gH9jK1.js')).toBe(false);
    expect(new RegExp(source).test('/admin/_astro/index.aB3dE6gH.js')).toBe(true);
    expect(new RegExp(source).test('/_astro/index.aB3dE6gH.js')).toBe(false);
  });

  it('a manifest that lists files decides the framework folders: only one it lists immutable files in', () => {
    const manifest = (files: { path: string; class: 'immutable' | 'revalidate' }[]) => ({
      hash: { length: 8, characters: 'hex' as const },
      base: '/',
      assetsDir: 'assets',
      files: files.map((f) => ({
        ...f,
        bytes: 1,
        sha256: '',
        integrity: '',
        contentType: '',
        cacheControl: '',
      })),
    });
    const plain = cdnConfig('nginx', {
      manifest: manifest([{ path: 'assets/index-1a2b3c4d.js', class: 'immutable' }]),
    });
    expect(plain).not.toContain('_astro');
    expect(plain).toBe(cdnConfig('nginx', { frameworkFolders: false }));
    const astro = cdnConfig('nginx', {
      manifest: manifest([{ path: '_astro/index.1cf46e3d.js', class: 'immutable' }]),
    });
    expect(astro).toContain('|^/(?![\\s\\S]*\\.map$)');
    expect(astro).toContain('(?:_astro)/[\\s\\S]');
    expect(astro).toContain('# It also covers every file in /_astro/ but source maps, HTML and dot files');
    const stale = cdnConfig('nginx', {
      manifest: manifest([
        { path: '_astro/index.1cf46e3d.js', class: 'immutable' },
        { path: '_astro/data.json', class: 'revalidate' },
      ]),
    });
    expect(stale).not.toContain('_astro');
  });

  it("SvelteKit's renamed appDir: the manifest's <appDir>/immutable folder gets the year; a plain assetsDir never does", () => {
    const file = (path: string) => ({
      path,
      class: 'immutable' as const,
      bytes: 1,
      sha256: '',
      integrity: '',
      contentType: '',
      cacheControl: '',
    });
    const hash = { length: 8, characters: 'hex' as const };
    const renamed = cdnConfig('nginx', {
      manifest: {
        hash,
        base: '/',
        assetsDir: 'app-internal/immutable',
        files: [file('app-internal/immutable/entry/app.DVIHTpCA.js')],
      },
    });
    expect(renamed).toContain('(?:app-internal/immutable)/[\\s\\S]');
    expect(renamed).toContain('# It also covers every file in /app-internal/immutable/');
    // A Vite app's assets/ holds forced hashed names only; a folder rule would outlive the release that
    // made it true, so its files keep the name rule.
    const plain = cdnConfig('nginx', {
      manifest: { hash, base: '/', assetsDir: 'assets', files: [file('assets/index-1a2b3c4d.js')] },
    });
    expect(plain).not.toContain('It also covers every file');
  });
});

describe('cdnConfig: nginx, Fastly', () => {
  it('nginx: key without query string, coding normalised, errors not stored, cache status exposed', () => {
    const out = cdnConfig('nginx', { origin: 'http://127.0.0.1:3000', listen: 9000 });
    expect(out).toContain('proxy_cache_key "$scheme$host$uri$skewless_encoding";');
    expect(out).toContain('proxy_set_header Accept-Encoding $skewless_encoding;');
    expect(out).toContain('proxy_no_cache $skewless_no_cache;');
    expect(out).toContain('add_header X-Cache-Status $upstream_cache_status always;');
    expect(out).toContain('server 127.0.0.1:3000;');
    expect(out).toContain('listen 9000;');
    expect(out).toMatch(/proxy_cache_path \S+ .*keys_zone=skewless:/);
    expect(out).toMatch(/shield first/);
    // The origin's own name, not the upstream block's (skewless_origin), which virtual hosts refuse.
    expect(out).toContain('proxy_set_header Host 127.0.0.1:3000;');
    expect(cdnConfig('nginx', { origin: 'https://assets.example.com' })).toContain(
      'proxy_set_header Host assets.example.com;',
    );
    // The only proxy_cache_valid is the year for hashed names.
    expect(out.match(/^\s*proxy_cache_valid .*/gm)?.map((l) => l.trim())).toEqual([
      'proxy_cache_valid 200 31536000s;',
    ]);
  });

  it('nginx defaults: listen 80 in front of 127.0.0.1:8080, a cache path nginx can create, said above it', () => {
    const out = cdnConfig('nginx');
    expect(out).toContain('listen 80;');
    expect(out).toContain('server 127.0.0.1:8080;');
    const lines = out.split('\n');
    const at = lines.findIndex((l) => l.startsWith('proxy_cache_path '));
    expect(lines[at]).toMatch(/^proxy_cache_path \/var\/cache\/nginx-skewless /);
    expect(lines.slice(at - 2, at).join('\n')).toMatch(
      /creates only the last directory[\s\S]*parent must exist/,
    );
    expect(cdnConfig('nginx', { name: 'site_2' })).toContain('proxy_cache_path /var/cache/nginx-site_2 ');
  });

  it('nginx: refuses a listen port that is the origin on loopback (it would proxy to itself)', () => {
    for (const [listen, origin] of [
      [8080, undefined],
      ['8080', 'http://127.0.0.1:8080'],
      ['127.0.0.1:3000', 'http://localhost:3000'],
      ['*:80 reuseport', 'http://127.0.0.1'],
      ['0.0.0.0:443', 'https://127.0.0.1'],
      ['[::1]:9000', 'http://[::1]:9000'],
      ['9000 default_server', 'http://127.0.0.2:9000'],
    ] as const) {
      expect(() => cdnConfig('nginx', { listen, origin }), `${listen} ${origin}`).toThrow(
        /same port on this machine: nginx would proxy to itself/,
      );
    }
    // Another port, another machine, or a different loopback-free address: fine.
    for (const [listen, origin] of [
      [8081, 'http://127.0.0.1:8080'],
      ['8080', 'http://10.0.0.5:8080'],
      ['10.0.0.1:8080', 'http://127.0.0.1:8080'],
      ['unix:/run/cache.sock', undefined],
    ] as const) {
      expect(cdnConfig('nginx', { listen, origin })).toContain(`listen ${listen};`);
    }
  });

  it('fastly: hash of scheme, host and path only; errors, HTML and no-cache files passed', () => {
    const out = cdnConfig('fastly');
    // Fastly stores a no-cache response for its default TTL: skewless.json would hide a deploy.
    const fetch = /sub vcl_fetch \{([\s\S]*?)\n\}/.exec(out)![1]!;
    const passed = /\} elsif \((.*)\) \{\n(?:\s*#.*\n)*\s+set beresp\.ttl = 0s;\n\s+return\(pass\);/.exec(
      fetch,
    );
    expect(passed?.[1]).toContain('beresp.http.Cache-Control ~ "(?i)no-cache|no-store|private"');
    expect(passed?.[1]).toContain('beresp.http.Set-Cookie');
    const hash = /sub vcl_hash \{([\s\S]*?)\n\}/.exec(out)![1]!;
    expect(hash).toContain('req.url.path');
    expect(hash).not.toMatch(/req\.url[;\s]/);
    expect(hash).not.toContain('#FASTLY hash');
    expect(out).toMatch(/beresp\.status >= 400\) \{\n.*\n\s+set beresp\.ttl = 0s;\n\s+return\(pass\);/);
    for (const sub of ['recv', 'hit', 'miss', 'pass', 'fetch', 'error', 'deliver', 'log']) {
      expect(out).toContain(`#FASTLY ${sub}`);
    }
  });
});

describe('cdnConfig: s3-lifecycle', () => {
  it('only aborts incomplete multipart uploads and expires temporary keys, never live files', () => {
    const { Rules } = JSON.parse(cdnConfig('s3-lifecycle'));
    expect(Rules).toHaveLength(2);
    const [abort, temp] = Rules;
    expect(abort).toEqual({
      ID: 'skewless-abort-incomplete-multipart-uploads',
      Status: 'Enabled',
      Filter: { Prefix: '' },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    });
    expect(temp).toEqual({
      ID: 'skewless-expire-temporary-keys',
      Status: 'Enabled',
      Filter: { Prefix: '.skewless/tmp/' },
      Expiration: { Days: 1 },
    });
    for (const rule of Rules) {
      if (rule.Expiration) expect(rule.Filter.Prefix).not.toBe('');
      expect(rule.NoncurrentVersionExpiration).toBeUndefined();
    }
  });

  it('refuses a temporary prefix that would expire live files', () => {
    expect(() => cdnConfig('s3-lifecycle', { tempPrefix: 'assets/' })).toThrow(/would expire live files/);
    expect(() => cdnConfig('s3-lifecycle', { tempPrefix: '' })).toThrow(/would expire live files/);
    expect(() => cdnConfig('s3-lifecycle', { tempPrefix: '.skewless/releases/' })).toThrow(/live files/);
    // A parent of the release manifests would expire them, and prune would lose track of releases.
    expect(() => cdnConfig('s3-lifecycle', { tempPrefix: '.skewless/' })).toThrow(/live files/);
    // A folder inside the assets prefix holds hashed files too.
    expect(() => cdnConfig('s3-lifecycle', { tempPrefix: 'assets/tmp/' })).toThrow(/live files/);
    expect(JSON.parse(cdnConfig('s3-lifecycle', { tempPrefix: 'tmp/uploads/' })).Rules[1].Filter).toEqual({
      Prefix: 'tmp/uploads/',
    });
  });
});

describe('cdnConfig: s3-lifecycle under a bucket prefix', () => {
  for (const bucketPrefix of ['app', '/app/', 's3://my-assets/app', 'sites/app']) {
    it(`every rule sits under the prefix and none covers live files (${bucketPrefix})`, () => {
      const kp = bucketPrefix.includes('sites') ? 'sites/app/' : 'app/';
      const { Rules, ...rest } = JSON.parse(cdnConfig('s3-lifecycle', { bucketPrefix }));
      expect(rest).toEqual({});
      expect(Rules).toHaveLength(2);
      const [abort, temp] = Rules;
      expect(Object.keys(abort).sort()).toEqual(['AbortIncompleteMultipartUpload', 'Filter', 'ID', 'Status']);
      expect(abort.ID).toBe('skewless-abort-incomplete-multipart-uploads');
      expect(abort.Status).toBe('Enabled');
      expect(abort.Filter).toEqual({ Prefix: kp });
      expect(abort.AbortIncompleteMultipartUpload).toEqual({ DaysAfterInitiation: 1 });
      expect(Object.keys(temp).sort()).toEqual(['Expiration', 'Filter', 'ID', 'Status']);
      expect(temp.ID).toBe('skewless-expire-temporary-keys');
      expect(temp.Status).toBe('Enabled');
      expect(temp.Filter).toEqual({ Prefix: `${kp}.skewless/tmp/` });
      expect(temp.Expiration).toEqual({ Days: 1 });
      // The keys upload writes for this site: none is under the expiring prefix.
      for (const live of [
        'assets/index-1a2b3c4d.js',
        '.skewless/releases/r1.json',
        'skewless.json',
        'index.html',
      ]) {
        expect(`${kp}${live}`.startsWith(temp.Filter.Prefix), live).toBe(false);
      }
      for (const rule of Rules) expect(rule.Filter.Prefix.startsWith(kp)).toBe(true);
    });
  }

  it('a custom temporary prefix goes under the bucket prefix; one over live files is refused with the key', () => {
    expect(
      JSON.parse(cdnConfig('s3-lifecycle', { bucketPrefix: 'app', tempPrefix: 'tmp/uploads/' })).Rules[1]
        .Filter,
    ).toEqual({ Prefix: 'app/tmp/uploads/' });
    expect(() => cdnConfig('s3-lifecycle', { bucketPrefix: 'app', tempPrefix: '.skewless/' })).toThrow(
      /would expire live files \('app\/\.skewless\/releases\/'\)/,
    );
    // A manifest names the folders of public files too: `images/` holds live files here.
    const manifest = {
      hash: { length: 8, characters: 'hex' as const },
      base: '/',
      assetsDir: 'static',
      files: [{ path: 'images/logo.png' }, { path: 'static/index-1a2b3c4d.js' }] as never,
    };
    expect(() => cdnConfig('s3-lifecycle', { bucketPrefix: 'app', manifest, tempPrefix: 'images/' })).toThrow(
      /'app\/images\/logo\.png'/,
    );
    expect(() =>
      cdnConfig('s3-lifecycle', { bucketPrefix: 'app', manifest, tempPrefix: 'static/old/' }),
    ).toThrow(/live files/);
    expect(() => cdnConfig('s3-lifecycle', { bucketPrefix: 'app/../other' })).toThrow(/not a key prefix/);
  });
});

describe('skewless cdn-config', () => {
  let dir: string | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function run(argv: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    const code = await command(argv, { logger: silentLogger, verbose: false });
    vi.restoreAllMocks();
    return { code, out };
  }

  it('reads the hash format from --dir and prints the provider config', async () => {
    dir = await mkdtemp(join(tmpdir(), 'skewless-cdn-'));
    await mkdir(join(dir, '.skewless'));
    const manifest = {
      version: 1,
      release: 'r',
      hash: { length: 10, characters: 'hex' },
      base: '/',
      assetsDir: 'a',
      files: [],
    };
    await writeFile(join(dir, MANIFEST_PATH), JSON.stringify(manifest));
    const { code, out } = await run(['--provider', 'nginx', '--dir', dir]);
    expect(code).toBe(0);
    expect(out).toContain('location ~ "^/a/(?!');
    // Its file list holds nothing in _app/immutable/ or _astro/: the rule is the hashed names alone.
    expect(out).toContain('(?:[^/]+/)*[^/]+-[a-f0-9]{10}\\.[A-Za-z0-9.]+$" {');
  });

  it('--base puts the framework folders under the site path; --no-framework-folders leaves them out', async () => {
    const based = await run(['--provider', 'nginx', '--base', '/docs/']);
    expect(based.code).toBe(0);
    expect(based.out).toContain('location ~ "^/docs/assets/(?!');
    expect(based.out).toContain('$|^/docs/(?![\\s\\S]*\\.map$)');
    expect(based.out).toContain('(?:_app/immutable|_astro)/[\\s\\S]" {');
    const off = await run(['--provider', 'nginx', '--base', '/docs/', '--no-framework-folders']);
    expect(off.out).not.toContain('_astro');
    expect(off.out).toContain('location ~ "^/docs/assets/(?!');
    await expect(run(['--provider', 'nginx', '--base', '/my docs/'])).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(/base '\/my docs\/' holds characters .* e\.g\. --base \/admin\/\.$/),
    });
  });

  it('takes hash flags and prints JSON for CloudFront', async () => {
    const { code, out } = await run([
      '--provider',
      'cloudfront',
      '--hash-length',
      '16',
      '--hash-characters',
      'base64',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(out).CachePolicyConfig.Comment).toContain('16 base64');
  });

  it('--to s3://bucket/prefix puts the s3-lifecycle rules under the prefix; --to elsewhere is a usage error', async () => {
    const { code, out } = await run(['--provider', 's3-lifecycle', '--to', 's3://my-assets/app']);
    expect(code).toBe(0);
    expect(JSON.parse(out).Rules.map((r: { Filter: { Prefix: string } }) => r.Filter.Prefix)).toEqual([
      'app/',
      'app/.skewless/tmp/',
    ]);
    await expect(run(['--provider', 'nginx', '--to', 's3://my-assets/app'])).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(/--to is only for --provider s3-lifecycle/),
    });
    await expect(run(['--provider', 's3-lifecycle', '--to', 'file:///srv/assets'])).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });

  it('rejects a missing or unknown provider and bad hash flags with a usage error', async () => {
    await expect(run([])).rejects.toThrow(/--provider is required.*nginx, cloudfront/);
    await expect(run(['--provider', 'akamai'])).rejects.toThrow(/unknown provider 'akamai'/);
    await expect(run(['--provider', 'nginx', '--hash-length', 'x'])).rejects.toThrow(/hash format/);
    await expect(run(['--provider', 'nginx', '--hash-characters', 'base32'])).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
    await expect(run(['--provider', 'nginx', '--listen', '8080'])).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(/--listen 8080 and --origin http:\/\/127\.0\.0\.1:8080/),
    });
  });
});
