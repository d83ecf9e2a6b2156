import { describe, expect, it } from 'vitest';
import { classify, isControlFile } from '../src/index.js';

const hex8 = { length: 8, characters: 'hex' } as const;
const b64 = { length: 8, characters: 'base64' } as const;

// Control files name the release's other files: served stale they point at the previous release, so
// they are documents. Hashed names, look-alikes and the web app manifest are not.
const CONTROL = [
  'sw.js',
  'sw.mjs',
  'service-worker.js',
  'firebase-messaging-sw.js',
  'custom-sw.js',
  'my_app.pwa-sw.mjs',
  'sw-prod.js',
  'sw-custom-v2.js',
  'admin/sw.js',
  'ngsw-worker.js',
  'ngsw.json',
  'precache-manifest.js',
  'precache-manifest.json',
  'importmap.json',
  'importmap.legacy.json',
  'remoteEntry.js',
  'remotes/checkout/remoteEntry.js',
  'mf-manifest.json',
  'mf-stats.json',
  '_app/version.json',
  'admin/_app/version.json',
];

const NOT_CONTROL = [
  'swiper.js',
  'assets/swiper-1a2b3c4d.js',
  'swagger.js',
  'sw.css',
  'sw.json',
  'sw.js.map',
  'sw-1a2b3c4d.js',
  'assets/sw-1a2b3c4d.js',
  'assets/sw-BxK3aZ_q.js',
  'assets/sw-prod-1a2b3c4d.js',
  'service-worker-1a2b3c4d.js',
  'service-worker.ts',
  'workbox-1a2b3c4d.js',
  'workbox-5ffe50d4.js',
  'remoteEntry-1a2b3c4d.js',
  'assets/remoteEntry-BxK3aZ_q.js',
  'remote-entry.js',
  'docs/service-worker-guide.html',
  'manifest.webmanifest',
  'manifest.json',
  'site.webmanifest',
  'version.json',
  'app/version.json',
  '_app/immutable/version.json',
  'importmap.js',
  'index.html',
  'robots.txt',
];

describe('isControlFile', () => {
  it.each(CONTROL)('%s is a control file', (path) => {
    expect(isControlFile(path)).toBe(true);
    expect(isControlFile(path, b64)).toBe(true);
  });
  it.each(NOT_CONTROL)('%s is not', (path) => {
    expect(isControlFile(path)).toBe(false);
    expect(isControlFile(path, b64)).toBe(false);
  });
  it('takes a name hashed in the build format as hashed, even one bundlers would not write', () => {
    const hex16 = { length: 16, characters: 'hex' } as const;
    expect(isControlFile('sw-abc-1a2b3c4d5e6f7a8b.js', hex16)).toBe(false);
    expect(isControlFile('sw-abc-1a2b3c4d5e6f7a8b.js', hex8)).toBe(true);
  });
});

describe('classify: control files are documents, hashed names stay immutable', () => {
  const opts = { hash: hex8 };
  it.each(CONTROL)('%s → document', (path) => {
    expect(classify({ path }, opts)).toBe('document');
    // The plugin's fact (a chunk named without a hash) leads to the same class.
    expect(classify({ path, hashed: false }, opts)).toBe('document');
  });
  it.each([
    ['workbox-1a2b3c4d.js', 'immutable'],
    ['assets/sw-1a2b3c4d.js', 'immutable'],
    ['remoteEntry-1a2b3c4d.js', 'immutable'],
    ['docs/service-worker-guide.html', 'document'],
    ['swiper.js', 'revalidate'],
    ['manifest.webmanifest', 'revalidate'],
    ['manifest.json', 'revalidate'],
    ['sw.js.map', 'private'],
    ['.well-known/sw.js', 'document'],
  ])('%s → %s', (path, cls) => {
    expect(classify({ path }, opts)).toBe(cls);
  });
  it('follows the bundler when it says a name is hashed', () => {
    expect(classify({ path: 'assets/sw-prod.js', hashed: true }, opts)).toBe('immutable');
  });
});
