import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';

// The container flow: a bare directory (no .skewless/manifest.json) is classed by name. Control files
// (a service worker, an import map, a federation entry, SvelteKit's version file) are documents: the
// assets-only upload leaves them to the image, as it does the HTML, and --html sends them last.
const CONTROL = {
  'sw.js': 'self.addEventListener("install", () => {});\n',
  'importmap.json': '{"imports":{"/assets/lazy.js":"/assets/lazy-9a8b7c6d.js"}}',
  'remoteEntry.js': 'export const get = () => import("./assets/lazy-9a8b7c6d.js");\n',
  'mf-manifest.json': '{"name":"remote"}',
  '_app/version.json': '{"version":"1"}',
};
const NOT_CONTROL = {
  'assets/workbox-1a2b3c4d.js': 'export const workbox = 1;\n',
  'manifest.webmanifest': '{"name":"app","icons":[]}',
  'swiper.js': 'export const swiper = 1;\n',
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.parentPath.includes('.skewless'))
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('control files in a bare directory', () => {
  it('are documents: left out of the assets-only upload, sent with --html', async () => {
    const b = await makeBuildDir({ ...VITE_LIKE, ...CONTROL, ...NOT_CONTROL });
    const out = await mkdtemp(join(tmpdir(), 'skewless-target-'));
    cleanups.push(b.remove, () => rm(out, { recursive: true, force: true }));
    const to = pathToFileURL(join(out, 'site')).href;

    const assets = await upload({ dir: b.dir, to });
    const classes = Object.fromEntries(assets.files.map((f) => [f.path, `${f.class}:${f.action}`]));
    for (const path of Object.keys(CONTROL)) expect(classes[path], path).toBe('document:omit');
    expect(classes['assets/workbox-1a2b3c4d.js']).toBe('immutable:upload');
    expect(classes['manifest.webmanifest']).toBe('revalidate:upload');
    expect(classes['swiper.js']).toBe('revalidate:upload');
    const site = join(out, 'site');
    for (const path of Object.keys(CONTROL)) expect(await tree(site)).not.toContain(path);

    const all = await upload({ dir: b.dir, to, html: true });
    const sent = all.files.filter((f) => f.action === 'upload').map((f) => `${f.class}:${f.path}`);
    expect(sent.sort()).toEqual(['index.html', ...Object.keys(CONTROL)].map((p) => `document:${p}`).sort());
    expect(await tree(site)).toEqual(expect.arrayContaining(Object.keys(CONTROL)));
  });
});
