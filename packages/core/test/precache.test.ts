import { describe, expect, it } from 'vitest';
import { precachePath, precacheUrls } from '../src/index.js';

describe('precacheUrls / precachePath', () => {
  it("reads Workbox's generateSW array, and only it", () => {
    const sw = `importScripts("workbox-1a2b3c4d.js");self.addEventListener("fetch",()=>fetch({url:"/api/not-precached"}));
define(["./workbox-1a2b3c4d"],(function(e){e.precacheAndRoute([{url:"assets/index-1a2b3c4d.js",revision:null},{url:"index.html",revision:"0a1b"},{url:"a\\"b.png",revision:"1"}],{})}));`;
    expect(precacheUrls(sw)).toEqual(['assets/index-1a2b3c4d.js', 'index.html', 'a"b.png']);
  });

  it('reads the older precache-manifest file (url after revision, quoted keys)', () => {
    const manifest = `self.__precacheManifest = (self.__precacheManifest || []).concat([{"revision":"abc","url":"/app/index.html"},{"revision":null,"url":"/app/assets/x-1a2b3c4d.js"}]);`;
    expect(precacheUrls(manifest)).toEqual(['/app/index.html', '/app/assets/x-1a2b3c4d.js']);
    expect(precacheUrls('self.__precacheManifest = [{"revision":"abc","url":"/app/index.html"}];')).toEqual([
      '/app/index.html',
    ]);
  });

  it('resolves URLs against the worker and the base; another origin is not a build file', () => {
    expect(precachePath('assets/a.js', 'sw.js', '/')).toBe('assets/a.js');
    expect(precachePath('/app/assets/a.js?v=1', 'sw.js', '/app/')).toBe('assets/a.js');
    expect(precachePath('a.js', 'workers/sw.js', '/app/')).toBe('workers/a.js');
    expect(precachePath('./index.html', 'sw.js', './')).toBe('index.html');
    expect(precachePath('https://fonts.example.com/f.woff2', 'sw.js', '/')).toBeUndefined();
    expect(precachePath('/other/a.js', 'sw.js', '/app/')).toBeUndefined();
  });
});
