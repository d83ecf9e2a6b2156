import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import skewless from '@skewless/vite';
import { build, type Plugin } from 'vite';
import { countLoads } from './runtime-helpers/page.js';
import { type ReleaseServer, startReleaseServer } from './runtime-helpers/server.js';

// A multi-page app built by @skewless/vite with a relative base (`./`), whose admin page sits in a subfolder:
// Vite links that page's files as `../../assets/…`, so the guard in it must count those as the build's and
// look for the release file at the build's root, not in `pages/admin/`. Written here, under e2e/.run/, so
// `@skewless/runtime` resolves from e2e's own dependencies.
const RUN = fileURLToPath(new URL('../.run/multi-page/', import.meta.url));
const ADMIN = 'pages/admin/index.html';

const APP: Record<string, string> = {
  'index.html': page('home', 'main.js'),
  [ADMIN]: page('admin', 'admin.js'),
  'src/main.js':
    'import "@skewless/runtime";\ndocument.querySelector("#out").textContent = "home " + __RELEASE__;\n',
  'src/admin.js': [
    'import "@skewless/runtime";',
    'import { watchRelease } from "@skewless/runtime/watch";',
    '// Kept in sessionStorage, where the test reads it.',
    'watchRelease({ onNewRelease: (info) => sessionStorage.setItem("fixture:live", info.live) });',
    'document.querySelector("#out").textContent = "admin " + __RELEASE__;',
    '',
  ].join('\n'),
};

function page(title: string, entry: string): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body><p id="out">loading</p><script type="module" src="/src/${entry}"></script></body></html>\n`;
}

type Mode = 'inline' | 'external';

/** Builds release `label` with the guard in `mode`; returns its folder and the release id. */
async function buildRelease(
  label: string,
  mode: Mode,
  cdn?: string,
): Promise<{ dir: string; release: string }> {
  const root = `${RUN}app`;
  const outDir = `${RUN}${mode}-${label}${cdn ? '-cdn' : ''}`;
  await rm(outDir, { recursive: true, force: true });
  await build({
    root,
    configFile: false,
    logLevel: 'silent',
    base: cdn ? '/' : './',
    // The pages link the build's files on another origin, as a CDN setup does.
    ...(cdn ? { experimental: { renderBuiltUrl: (file: string) => `${cdn}${file}` } } : {}),
    define: { __RELEASE__: JSON.stringify(label) },
    plugins: [skewless({ guard: { mode } }) as Plugin],
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      rollupOptions: { input: { main: join(root, 'index.html'), admin: join(root, ADMIN) } },
    },
  });
  const release = JSON.parse(await readFile(join(outDir, 'skewless.json'), 'utf8')).release as string;
  return { dir: outDir, release };
}

let server: ReleaseServer | undefined;

test.beforeAll(async () => {
  for (const [path, text] of Object.entries(APP)) {
    await mkdir(dirname(join(RUN, 'app', path)), { recursive: true });
    await writeFile(join(RUN, 'app', path), text);
  }
});

test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

for (const mode of ['inline', 'external'] as const) {
  test(`${mode} guard: a stale nested page whose entry is gone reloads once into the new release`, async ({
    page,
  }) => {
    const r1 = await buildRelease('r1', mode);
    const r2 = await buildRelease('r2', mode);
    expect(r1.release).not.toBe(r2.release);
    server = await startReleaseServer(r2.dir);
    // The tab has release 1's admin page (a cache kept it); its entry, ../../assets/admin-<r1>.js, is gone.
    server.staleDocumentOnce(r1.dir);
    const loads = countLoads(page);
    await page.goto(`${server.url}${ADMIN}`);
    await expect(page.locator('#out')).toHaveText('admin r2');
    expect(loads.count).toBe(2);
    expect(server.documents).toEqual([`/${ADMIN}`, `/${ADMIN}`]);
    expect(server.log.filter((line) => /^404 \/assets\/admin-/.test(line))).toHaveLength(1);
    expect(server.log.filter((line) => line.includes('/pages/admin/') && !line.endsWith(ADMIN))).toEqual([]);
  });

  test(`${mode} guard: watchRelease on a nested page fetches the release file at the build root and sees release 2`, async ({
    page,
  }) => {
    const r1 = await buildRelease('r1', mode);
    const r2 = await buildRelease('r2', mode);
    server = await startReleaseServer(r1.dir);
    await page.goto(`${server.url}${ADMIN}`);
    await expect(page.locator('#out')).toHaveText('admin r1');
    server.serve(r2.dir);
    // The check watchRelease makes when the tab becomes visible again (it is visible: the check runs).
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await expect.poll(() => page.evaluate(() => sessionStorage.getItem('fixture:live'))).toBe(r2.release);
    expect(server.log).toContain('200 /skewless.json');
    expect(server.log.filter((line) => line.includes('skewless.json'))).toEqual(['200 /skewless.json']);
  });
}

for (const mode of ['inline', 'external'] as const) {
  test(`${mode} guard, files on another origin (renderBuiltUrl): a stale page whose entry is gone there reloads once`, async ({
    page,
  }) => {
    // One server, two origins: the pages from 127.0.0.1, the build's files from localhost (the "CDN").
    server = await startReleaseServer(RUN);
    const cdn = server.url.replace('127.0.0.1', 'localhost');
    const r1 = await buildRelease('r1', mode, cdn);
    const r2 = await buildRelease('r2', mode, cdn);
    server.serve(r2.dir);
    server.staleDocumentOnce(r1.dir);
    const loads = countLoads(page);
    await page.goto(`${server.url}${ADMIN}`);
    await expect(page.locator('#out')).toHaveText('admin r2');
    expect(loads.count).toBe(2);
    expect(server.documents).toEqual([`/${ADMIN}`, `/${ADMIN}`]);
    expect(server.log.filter((line) => /^404 \/assets\/admin-/.test(line))).toHaveLength(1);
  });
}
