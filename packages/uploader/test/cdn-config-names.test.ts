import type { HashFormat } from '@skewless/core';
import { describe, expect, it } from 'vitest';
import { type CdnConfigOptions, cdnConfig, classify } from '../src/index.js';

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
  // string escapes undone.
  const path = '\\(http\\.request\\.uri\\.path matches "((?:[^"\\\\]|\\\\.)*)"\\)';
  const compile = (text: string) => new RegExp(text.replace(/\\(.)/g, '$1'));
  const clauses = [
    ...expression.matchAll(new RegExp(`(?:(not )?${path}|\\(not ${path} or ${path}\\))( and |$)`, 'g')),
  ].map((m) =>
    m[2] !== undefined
      ? (p: string) => compile(m[2]!).test(p) !== Boolean(m[1])
      : (p: string) => !compile(m[3]!).test(p) || compile(m[4]!).test(p),
  );
  // Every part of the expression was understood: nothing else (no other `or`, no other field) hides in it.
  expect(clauses.length).toBe(expression.split(' and ').length);
  const terraform = cdnConfig('cloudflare', { ...options, format: 'terraform' });
  expect(terraform).toContain(`expression = ${JSON.stringify(expression)}`);
  return {
    nginx: (p) => nginx.test(p),
    fastly: (p) => fastly.test(p),
    cloudflare: (p) => clauses.every((c) => c(p)),
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
    );
  }
  return out;
}

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
    ...good,
    ...bad,
  ];
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  return Array.from({ length: count }, () => {
    let name = 'assets/';
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
  for (const hash of FORMATS) {
    for (const prefix of ['assets/', '/']) {
      it(`${hash.length} ${hash.characters}, prefix ${prefix}`, () => {
        const rules = providerRules({ hash, prefix });
        const all = [...names(hash), ...fuzzNames(hash, 3000)].filter((n) =>
          `/${n}`.startsWith(`/${prefix}`.replace('//', '/')),
        );
        let immutable = 0;
        const disagreements: string[] = [];
        for (const name of all) {
          const expected = classify({ path: name }, { hash }) === 'immutable';
          if (expected) immutable++;
          for (const [provider, test] of Object.entries(rules)) {
            if (test(`/${name}`) !== expected)
              disagreements.push(`${provider}: /${name} should be ${expected}`);
          }
        }
        expect(disagreements).toEqual([]);
        // The table holds both kinds in numbers, so agreement is not a vacuous "nothing matches".
        expect(immutable).toBeGreaterThan(20);
        expect(all.length - immutable).toBeGreaterThan(100);
      });
    }
  }

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
          cdnConfig('cloudflare', { hash: { length, characters }, prefix: '/admin/static/' }),
        );
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
