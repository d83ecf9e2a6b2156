import type { HashFormat } from '@skewless/core';
import { describe, expect, it } from 'vitest';
import {
  type CdnConfigOptions,
  cdnConfig,
  classify,
  inFrameworkImmutableFolder,
  isHashedName,
} from '../src/index.js';

// The CDN's year-long rule must cover exactly the names the classifier calls `immutable` (by name, as
// on a bare directory): a wider rule caches changing bytes for a year, a narrower one costs revalidations.
// Every provider's generated pattern is compiled here and run against the classifier, name by name.

/** Each provider's hashed-name rule as a predicate on a URL path, taken from its generated output. */
function providerRules(options: CdnConfigOptions): Record<string, (path: string) => boolean> {
  const nginx = new RegExp(/location ~ "([^"]+)"/.exec(cdnConfig('nginx', options))![1]!);
  const fastly = new RegExp(/req\.url\.path ~ "([^"]+)"/.exec(cdnConfig('fastly', options))![1]!);
  const ruleset = JSON.parse(cdnConfig('cloudflare', options));
  const expression: string = ruleset.rules[1].expression;
  // `(path matches "A") and not (path matches "B") and (not (path matches "C") or (path matches "D")) …`,
  // or several of those in parentheses joined by ` or ` (hashed names, framework folders); string
  // escapes undone.
  const path = '\\(http\\.request\\.uri\\.path matches "((?:[^"\\\\]|\\\\.)*)"\\)';
  const clause = `(?:(not )?${path}|\\(not ${path} or ${path}\\))`;
  const conjunction = `${clause}(?: and ${clause})*`.replace(/(?<!\\)\((?!\?)/g, '(?:');
  const alternatives = new RegExp(`^${conjunction}$`).test(expression)
    ? [expression]
    : [...expression.matchAll(new RegExp(`\\((${conjunction})\\)(?: or |$)`, 'g'))].map((m) => m[1]!);
  const compile = (text: string) => new RegExp(text.replace(/\\(.)/g, '$1'));
  const predicates = alternatives.map((alternative) => {
    const clauses = [
      ...alternative.matchAll(new RegExp(`(?:(not )?${path}|\\(not ${path} or ${path}\\))( and |$)`, 'g')),
    ].map((m) =>
      m[2] !== undefined
        ? (p: string) => compile(m[2]!).test(p) !== Boolean(m[1])
        : (p: string) => !compile(m[3]!).test(p) || compile(m[4]!).test(p),
    );
    // Every part of the alternative was understood: nothing else (no other `or`, no other field) hides in it.
    expect(clauses.length).toBe(alternative.split(' and ').length);
    return (p: string) => clauses.every((c) => c(p));
  });
  // And the alternatives are the whole expression.
  expect(alternatives.length === 1 ? alternatives[0] : alternatives.map((a) => `(${a})`).join(' or ')).toBe(
    expression,
  );
  const terraform = cdnConfig('cloudflare', { ...options, format: 'terraform' });
  expect(terraform).toContain(`expression = ${JSON.stringify(expression)}`);
  return {
    nginx: (p) => nginx.test(p),
    fastly: (p) => fastly.test(p),
    cloudflare: (p) => predicates.some((c) => c(p)),
  };
}

function hashes(format: HashFormat) {
  const n = format.length;
  const fit = (s: string) => s.repeat(Math.ceil(n / s.length)).slice(0, n);
  if (format.characters === 'hex') {
    return {
      good: [fit('1a2b3c4d'), fit('0'), `${fit('f').slice(1)}7`],
      bad: [
        fit('deadbeef'),
        fit('1A2B3C4D'),
        fit('1a2b3c4g'),
        fit('1a2b3c4d').slice(1),
        `${fit('1a2b3c4d')}5`,
      ],
    };
  }
  return {
    good: [
      fit('Ab_9-xYz'),
      fit('a1b2c3d4'),
      fit('aB'),
      fit('z9'),
      `${fit('a').slice(3)}BCD`,
      `${fit('a').slice(2)}B_`,
      `-${fit('aB').slice(1)}`,
      `${fit('aB').slice(1)}_`,
    ],
    bad: [
      fit('ABCDEFGH'),
      fit('abcdefgh'),
      fit('12345678'),
      fit('abcd_efg'),
      fit('Settings'),
      fit('barChart'),
      `${fit('a').slice(2)}BC`,
      fit('AB-CD_12'),
      fit('aB.c'),
      fit('aB').slice(1),
      `${fit('aB')}c`,
    ],
  };
}

/** Names relative to the build directory (the classifier's view); the URL path is `/` + name. */
function names(format: HashFormat): string[] {
  const { good, bad } = hashes(format);
  const out: string[] = [
    'assets/notes-deadbeef.txt',
    'assets/index.js',
    'assets/index-.js',
    'index.html',
    'skewless.json',
    '.skewless/manifest.json',
    '.vite/manifest.json',
    // Control files: documents by name, so never under the year-long rule.
    'sw.js',
    'assets/sw.js',
    'assets/service-worker.js',
    'assets/custom-sw.js',
    'assets/sw-prod.js',
    'assets/remoteEntry.js',
    'assets/mf-manifest.json',
    'assets/importmap.json',
    'assets/_app/version.json',
    '_app/version.json',
    // SvelteKit's and Astro's content-named folders at the root of the base: every file but maps,
    // HTML and dot files, whatever its name; and the near-misses around them.
    '_app/immutable/entry/start.1cf46e3d.js',
    '_app/immutable/chunks/0.DtJ9kq2Z.js',
    '_app/immutable/assets/app.1cf46e3d.css',
    '_app/immutable/nodes/0.js',
    '_app/immutable/entry/start.1cf46e3d.js.map',
    '_app/immutable/entry/start.1cf46e3d.js.map.br',
    '_app/immutable/service-worker.js',
    '_app/immutable/page.html',
    '_app/immutable/page.HTM',
    '_app/immutable/x.htmlx',
    '_app/immutable/.env',
    '_app/immutable/.well-known/a.js',
    '_app/immutable',
    '_app/immutable/',
    '_app/immutablex/start.1cf46e3d.js',
    '_app/immutabl/start.1cf46e3d.js',
    '_app/env.js',
    '_app/version.json.br',
    '_astro/index.1cf46e3d.js',
    '_astro/hoisted.DtJ9kq2Z.js',
    '_astro/logo.svg',
    '_astro/a',
    '_astro/sw.js',
    '_astro/skewless.json',
    '_astro/index.1cf46e3d.js.map',
    '_astro/page.html',
    '_astro/.env',
    '_astro/.hidden/a.js',
    '_astro/sub/.x',
    '_astro/.well-known/a.js',
    '_astro/.well-knownx/a.js',
    '_astro/.well-know/a.js',
    '_astro//.env',
    '_astro//a.js',
    '_astro/./a.js',
    '_astro',
    '_astro/',
    '_astrox/a.js',
    '_Astro/a.js',
    'x/_astro/index.1cf46e3d.js',
    'x/_app/immutable/start.1cf46e3d.js',
    'assets/_astro/index.1cf46e3d.js',
    'assets/_app/immutable/start.1cf46e3d.js',
    '_app/_astro/a.js',
    '.skewless/_astro/a.js',
    '.x/_app/immutable/a.js',
  ];
  for (const h of [...good, ...bad]) {
    out.push(
      `assets/index-${h}.js`,
      `assets/logo-${h}.svg`,
      `assets/nested/deep/chunk-${h}.js`,
      `assets/index-${h}.js.map`,
      `assets/index-${h}.js.br`,
      `assets/index-${h}.css.gz`,
      `assets/index-${h}.js.map.br`,
      `assets/index-${h}.min.js`,
      `assets/page-${h}.html`,
      `assets/page-${h}.HTM`,
      `assets/-${h}.js`,
      `assets/x-abc-${h}.js`,
      `assets/x_${h}.js`,
      `assets/x.${h}.js`,
      `assets/x-${h}`,
      `assets/x-${h}.`,
      `assets/x-${h}.j_s`,
      `assets/x-${h}-y.js`,
      `assets/.hidden/x-${h}.js`,
      `assets/.x-${h}.js`,
      `assets/.well-known/x-${h}.js`,
      `assets/.well-knownx/x-${h}.js`,
      `assets/.well-know/x-${h}.js`,
      `assets/a/./x-${h}.js`,
      `assets-${h}.js`,
      `other/x-${h}.js`,
      `x-${h}.js`,
      `.skewless/x-${h}.js`,
      // Hashed names of the control file shapes: immutable like any hashed name.
      `assets/sw-${h}.js`,
      `assets/sw-prod-${h}.js`,
      `assets/remoteEntry-${h}.js`,
      `assets/workbox-${h}.js`,
      `assets/${h}-sw.js`,
      `_astro/x-${h}.js`,
      `_astro/x.${h}.js`,
      `_astro/x.${h}.js.map`,
      `_astro/page-${h}.html`,
      `_app/immutable/chunks/${h}.js`,
      `_app/immutable/.x-${h}.js`,
      `_app/x-${h}.js`,
      `_app/immutablex/x-${h}.js`,
      `x/_astro/x.${h}.js`,
    );
  }
  return out;
}

const STARTS = ['assets/', '_astro/', '_app/immutable/', '_app/', ''];

/** A fixed pseudo-random stream of names built from the pieces that matter, for what the table forgets. */
function fuzzNames(format: HashFormat, count: number): string[] {
  const { good, bad } = hashes(format);
  const pieces = [
    '-',
    '.',
    '/',
    '_',
    'a',
    'Z',
    '7',
    'js',
    'map',
    'htm',
    'l',
    '.well-known',
    '.x',
    '_astro',
    '_app/immutable',
    'immutable',
    '.1cf46e3d.',
    ...good,
    ...bad,
  ];
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  return Array.from({ length: count }, () => {
    let name = STARTS[next() % STARTS.length]!;
    const parts = 2 + (next() % 7);
    for (let i = 0; i < parts; i++) name += pieces[next() % pieces.length];
    return name;
  });
}

const FORMATS: HashFormat[] = [
  { length: 8, characters: 'hex' },
  { length: 16, characters: 'hex' },
  { length: 8, characters: 'base64' },
  { length: 16, characters: 'base64' },
];

describe('cdn-config: every provider caches for a year exactly what the classifier calls immutable', () => {
  // Outside the assets prefix the year-long rule covers the framework folders only: a name the
  // classifier calls immutable there by its `-<hash>.` alone is out of scope (it is not under the prefix
  // the bundler writes hashed names to), every other name is compared.
  const inScope = (name: string, prefix: string, base: string, hash: HashFormat) =>
    `${base}${name}`.startsWith(prefix) || inFrameworkImmutableFolder(name) || !isHashedName(name, hash);
  for (const hash of FORMATS) {
    for (const [base, prefix] of [
      ['/', '/assets/'],
      ['/', '/'],
      ['/admin/', '/admin/assets/'],
    ] as const) {
      it(`${hash.length} ${hash.characters}, base ${base}, prefix ${prefix}`, () => {
        const rules = providerRules({ hash, prefix, base });
        const all = [...names(hash), ...fuzzNames(hash, 4000)].filter((n) => inScope(n, prefix, base, hash));
        let immutable = 0;
        let inFolders = 0;
        const disagreements: string[] = [];
        for (const name of all) {
          const expected = classify({ path: name }, { hash }) === 'immutable';
          if (expected) immutable++;
          if (expected && inFrameworkImmutableFolder(name) && !isHashedName(name, hash)) inFolders++;
          for (const [provider, test] of Object.entries(rules)) {
            if (test(`${base}${name}`) !== expected)
              disagreements.push(`${provider}: ${base}${name} should be ${expected}`);
          }
        }
        expect(disagreements).toEqual([]);
        // The table holds both kinds in numbers, so agreement is not a vacuous "nothing matches"; and
        // names that only their folder makes immutable are among them.
        expect(immutable).toBeGreaterThan(20);
        expect(inFolders).toBeGreaterThan(20);
        expect(all.length - immutable).toBeGreaterThan(100);
      });
    }
  }

  it('framework folders only at the root of the base; maps, HTML and version.json never get the year', () => {
    const hash = { length: 8, characters: 'hex' } as const;
    const rules = providerRules({ hash, base: '/admin/' });
    for (const [path, expected] of [
      ['/admin/_app/immutable/entry/start.1cf46e3d.js', true],
      ['/admin/_astro/index.DtJ9kq2Z.js', true],
      ['/admin/_astro/app-deadbeef.css', true],
      ['/_astro/index.DtJ9kq2Z.js', false],
      ['/_app/immutable/entry/start.1cf46e3d.js', false],
      ['/admin/x/_astro/index.DtJ9kq2Z.js', false],
      ['/admin/_app/immutablex/start.1cf46e3d.js', false],
      ['/admin/_app/version.json', false],
      ['/admin/_app/immutable/entry/start.1cf46e3d.js.map', false],
      ['/admin/_astro/index.DtJ9kq2Z.js.map', false],
      ['/admin/_astro/404.html', false],
      ['/admin/_astro/.env', false],
    ] as const) {
      for (const [provider, test] of Object.entries(rules))
        expect(test(path), `${provider} ${path}`).toBe(expected);
    }
  });

  it('without the framework folders (option off, or a manifest that lists none) the rule is the hashed names only', () => {
    const hash = { length: 8, characters: 'hex' } as const;
    const file = (path: string, cls: string) => ({ path, class: cls }) as never;
    const manifest = (files: never[]) => ({ hash, base: '/', assetsDir: 'assets', files });
    for (const options of [
      { hash, frameworkFolders: false },
      { manifest: manifest([file('assets/index-1a2b3c4d.js', 'immutable')]) },
      // A plugin build's public/_astro/ file is revalidate: a year at the edge would keep it stale.
      {
        manifest: manifest([
          file('_astro/index.1cf46e3d.js', 'immutable'),
          file('_astro/data.json', 'revalidate'),
        ]),
      },
    ]) {
      const rules = providerRules(options);
      for (const [provider, test] of Object.entries(rules)) {
        expect(test('/_astro/index.1cf46e3d.js'), `${provider} ${JSON.stringify(options)}`).toBe(false);
        expect(test('/assets/index-1a2b3c4d.js'), provider).toBe(true);
      }
    }
    // A manifest whose files there are all immutable (maps private, pages HTML) turns that folder on alone.
    const rules = providerRules({
      manifest: manifest([
        file('_astro/index.1cf46e3d.js', 'immutable'),
        file('_astro/index.1cf46e3d.js.map', 'private'),
        file('_astro/page.html', 'document'),
      ]),
    });
    for (const [provider, test] of Object.entries(rules)) {
      expect(test('/_astro/data.1cf46e3d.js'), provider).toBe(true);
      expect(test('/_app/immutable/start.1cf46e3d.js'), provider).toBe(false);
    }
  });

  it('the near-misses of the brief: notes-deadbeef.txt and a hash-like tail after a plain word', () => {
    const rules = providerRules({});
    for (const [path, expected] of [
      ['/assets/notes-deadbeef.txt', false],
      ['/assets/notes-deadbee1.txt', true],
      ['/assets/index-1a2b3c4d.js.map', false],
      ['/assets/index-1a2b3c4d.js.br', true],
    ] as const) {
      expect(
        classify({ path: path.slice(1) }, { hash: { length: 8, characters: 'hex' } }) === 'immutable',
      ).toBe(expected);
      for (const [provider, test] of Object.entries(rules))
        expect(test(path), `${provider} ${path}`).toBe(expected);
    }
  });

  it('control files are documents that no provider caches for a year; their hashed names are immutable', () => {
    const hash = { length: 8, characters: 'hex' } as const;
    const rules = providerRules({ hash });
    for (const [path, cls] of [
      ['/assets/sw.js', 'document'],
      ['/assets/service-worker.js', 'document'],
      ['/assets/firebase-messaging-sw.js', 'document'],
      ['/assets/remoteEntry.js', 'document'],
      ['/assets/mf-manifest.json', 'document'],
      ['/assets/importmap.json', 'document'],
      ['/assets/_app/version.json', 'document'],
      ['/assets/sw-1a2b3c4d.js', 'immutable'],
      ['/assets/remoteEntry-1a2b3c4d.js', 'immutable'],
      ['/assets/workbox-1a2b3c4d.js', 'immutable'],
      ['/assets/swiper.js', 'revalidate'],
    ] as const) {
      expect(classify({ path: path.slice(1) }, { hash }), path).toBe(cls);
      for (const [provider, test] of Object.entries(rules))
        expect(test(path), `${provider} ${path}`).toBe(cls === 'immutable');
    }
  });

  it('the Cloudflare expression stays under its 4,096-character cap for every hash format', () => {
    for (const characters of ['hex', 'base64'] as const) {
      for (const length of [8, 12, 16, 21]) {
        const { rules } = JSON.parse(
          cdnConfig('cloudflare', {
            hash: { length, characters },
            prefix: '/admin/static/',
            base: '/admin/',
          }),
        );
        expect(rules[1].expression).toContain('^/admin/(?:_app/immutable|_astro)/');
        expect(rules[1].expression.length).toBeLessThan(4096);
      }
    }
  });

  it('accepts the hash lengths the plugin can build (8–21) and refuses others with the range', () => {
    for (const length of [4, 7, 22, 64]) {
      expect(() => cdnConfig('nginx', { hash: { length, characters: 'hex' } }), String(length)).toThrow(
        /hash length must be an integer from 8 to 21/,
      );
    }
  });
});
