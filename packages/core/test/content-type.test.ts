import { describe, expect, it } from 'vitest';
import { contentTypeFor } from '../src/index.js';

describe('contentTypeFor', () => {
  it.each([
    ['assets/index-1a2b3c4d.js', 'text/javascript; charset=utf-8'],
    ['assets/chunk-1a2b3c4d.cjs', 'text/javascript; charset=utf-8'],
    ['index.html', 'text/html; charset=utf-8'],
    ['assets/app.js.map', 'application/json; charset=utf-8'],
    ['manifest.webmanifest', 'application/manifest+json; charset=utf-8'],
    ['favicon.ico', 'image/x-icon'],
    ['sitemap.xml', 'application/xml; charset=utf-8'],
    ['assets/app.js.br', 'application/x-brotli'],
    ['assets/app.js.gz', 'application/gzip'],
    // Served as octet-stream with nosniff by the old hand-written table:
    ['models/robot-1a2b3c4d.glb', 'model/gltf-binary'],
    ['models/robot-1a2b3c4d.gltf', 'model/gltf+json'],
    ['captions/en-1a2b3c4d.vtt', 'text/vtt; charset=utf-8'],
    ['audio/theme-1a2b3c4d.ogg', 'audio/ogg'],
    ['video/intro-1a2b3c4d.mov', 'video/quicktime'],
    ['data/prices-1a2b3c4d.csv', 'text/csv; charset=utf-8'],
    ['feed.rss', 'application/rss+xml; charset=utf-8'],
  ])('%s → %s', (path, type) => {
    expect(contentTypeFor(path)).toBe(type);
  });

  it('a name without an extension, or with an unknown one, is octet-stream', () => {
    expect(contentTypeFor('LICENSE')).toBe('application/octet-stream');
    expect(contentTypeFor('releases.v1/LICENSE')).toBe('application/octet-stream');
    expect(contentTypeFor('data.unknownext')).toBe('application/octet-stream');
  });
});
