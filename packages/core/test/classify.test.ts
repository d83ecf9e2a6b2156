import { describe, expect, it } from 'vitest';
import { classify, contentTypeFor, detectHashFormat, isHashedName } from '../src/index.js';

const hex8 = { length: 8, characters: 'hex' } as const;
const b64 = { length: 8, characters: 'base64' } as const;

describe('isHashedName', () => {
  it.each([
    ['assets/index-1a2b3c4d.js', hex8, true],
    ['assets/index-1a2b3c4d.js.map', hex8, true],
    ['assets/vendor.lib-0f0f0f0f.css', hex8, true],
    ['assets/index-1a2b3c4.js', hex8, false],
    ['assets/my-deadbeef.js', hex8, false],
    ['assets/my-component.js', hex8, false],
    ['assets/my-component.js', b64, false],
    ['assets/index-BxK3aZ_q.js', b64, true],
    ['assets/index-Bx-3aZ_q.js', b64, true],
    // Vite's and Rolldown's default names.
    ['assets/index-DAp1K8Hb.js', b64, true],
    ['assets/vendor-CjWpKqXb.css', b64, true],
    // Words in PascalCase or camelCase are names, not hashes.
    ['assets/app-Settings.js', b64, false],
    ['assets/chart-BarChart.js', b64, false],
    ['assets/user-myAvatar.png', b64, false],
    ['assets/ALLCAPS-READMEXX.txt', b64, false],
    ['robots.txt', hex8, false],
  ])('%s (%o) → %s', (path, format, expected) => {
    expect(isHashedName(path, format)).toBe(expected);
  });
});

describe('detectHashFormat (a build without a manifest)', () => {
  it('reads the bundler default the names carry: Vite and Rolldown base64url, webpack and Rollup 2 hex', () => {
    const vite = ['index.html', 'assets/index-DAp1K8Hb.js', 'assets/index-CjWpKqXb.css', 'favicon.svg'];
    expect(detectHashFormat(vite)).toEqual(b64);
    const webpack = ['index.html', 'assets/index-1a2b3c4d.js', 'assets/index-0a1b2c3d.css'];
    expect(detectHashFormat(webpack)).toEqual(hex8);
    // Hex hashes fit base64url too: a tie is hex, the narrower test.
    expect(detectHashFormat(['assets/a-1a2b3c4d.js'])).toEqual(hex8);
    expect(detectHashFormat(['index.html', 'app.js'])).toEqual(hex8);
  });
});

describe('classify', () => {
  const opts = { hash: hex8 };
  it('uses the bundler fact over the name', () => {
    expect(classify({ path: 'assets/app.js', hashed: true }, opts)).toBe('immutable');
    expect(classify({ path: 'assets/app-1a2b3c4d.js', hashed: false }, opts)).toBe('revalidate');
  });
  it('classes documents, maps and public files', () => {
    expect(classify({ path: 'index.html' }, opts)).toBe('document');
    expect(classify({ path: 'admin/index.html' }, opts)).toBe('document');
    expect(classify({ path: 'skewless.json' }, opts)).toBe('document');
    expect(classify({ path: 'assets/index-1a2b3c4d.js.map' }, opts)).toBe('private');
    expect(classify({ path: 'assets/index-1a2b3c4d.js.map' }, { ...opts, publicSourceMaps: true })).toBe(
      'immutable',
    );
    expect(classify({ path: 'robots.txt' }, opts)).toBe('revalidate');
    expect(classify({ path: 'sw.js' }, { ...opts, unhashed: ['sw.js'] })).toBe('document');
    expect(classify({ path: '.vite/manifest.json' }, opts)).toBe('private');
  });

  it('keeps dot files private, as the origin does (a stray .env must not reach a public bucket)', () => {
    expect(classify({ path: '.env' }, opts)).toBe('private');
    expect(classify({ path: '.env.production' }, opts)).toBe('private');
    expect(classify({ path: 'assets/.git/config' }, opts)).toBe('private');
    expect(classify({ path: '.htpasswd' }, opts)).toBe('private');
    expect(classify({ path: '.well-known/security.txt' }, opts)).toBe('revalidate');
    expect(classify({ path: 'assets/.well-known-1a2b3c4d.js' }, opts)).toBe('private');
  });
});

describe('contentTypeFor', () => {
  it.each([
    ['a.js', 'text/javascript; charset=utf-8'],
    ['a.MJS', 'text/javascript; charset=utf-8'],
    ['a.css', 'text/css; charset=utf-8'],
    ['a.svg', 'image/svg+xml; charset=utf-8'],
    ['a.woff2', 'font/woff2'],
    ['a.wasm', 'application/wasm'],
    ['a.map', 'application/json; charset=utf-8'],
    ['noext', 'application/octet-stream'],
  ])('%s → %s', (path, type) => expect(contentTypeFor(path)).toBe(type));
});

describe("frameworks' immutable folders (a bare directory: SvelteKit, Astro)", () => {
  it.each([
    ['_app/immutable/entry/app.1cf46e3d.js', 'immutable'],
    ['_app/immutable/chunks/index.B1b2C3d4.js', 'immutable'],
    ['_app/immutable/nodes/0.DtJ9kq2Z.js', 'immutable'],
    ['_app/immutable/assets/_page.C1x2Y3z4.css', 'immutable'],
    ['_app/immutable/chunks/index.B1b2C3d4.js.map', 'private'],
    // SvelteKit's release check, outside the folder: a document, published with the HTML.
    ['_app/version.json', 'document'],
    ['_astro/Counter.661d66cb.js', 'immutable'],
    ['_astro/index.CIs2P6hT.css', 'immutable'],
    ['index.html', 'document'],
    // Only at the build's root, and only inside the folder.
    ['docs/_astro/x.js', 'revalidate'],
    ['_app/immutable', 'revalidate'],
    ['_app/other.js', 'revalidate'],
  ])('%s → %s', (path, expected) => {
    expect(classify({ path }, { hash: hex8 })).toBe(expected);
  });

  it('a bundler that says a file is not hashed is believed, folder or not', () => {
    expect(classify({ path: '_astro/x.js', hashed: false }, { hash: hex8 })).toBe('revalidate');
  });
});
