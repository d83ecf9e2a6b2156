import { execFile } from 'node:child_process';
import { cp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, type Page, test } from '@playwright/test';
import { countLoads } from '../runtime-helpers/page.js';
import { contentTypeOf } from '../runtime-helpers/server.js';

const run = promisify(execFile);

// The framework apps of @skewless/vite's own tests (SvelteKit + adapter-static, React Router framework mode,
// Astro with a Preact island), each with skewless() as its users add it, built by the framework's command.
const FIXTURES = fileURLToPath(new URL('../../../packages/vite-plugin/test/fixtures/', import.meta.url));
const RUN = fileURLToPath(new URL('../../.run/vite-frameworks/', import.meta.url));

export type Framework = 'sveltekit' | 'react-router' | 'astro';

const COMMANDS: Record<Framework, { bin: string; deployed: string; env?: Record<string, string> }> = {
  sveltekit: { bin: 'vite', deployed: 'build' },
  'react-router': { bin: 'react-router', deployed: 'build/client' },
  // A user's `astro build` runs in production; the test runner's NODE_ENV must not reach it.
  astro: { bin: 'astro', deployed: 'dist', env: { NODE_ENV: 'production' } },
};

export interface FrameworkBuild {
  /** The deployed folder, copied out of the fixture. */
  dir: string;
  /** The release id @skewless/vite stamped on the pages (its skewless.json). */
  release: string;
}

/**
 * Builds a framework fixture in place with `label` shown on its pages (SKEWLESS_FIXTURE_LABEL: it changes
 * the code, so two labels are two releases with different hashed names) and copies the folder the
 * framework deploys to e2e/.run/vite-frameworks/<framework>/<label>. The fixture folder is shared with
 * packages/vite-plugin/test/frameworks.test.ts: never build the same fixture from two places at once.
 */
export async function buildFramework(framework: Framework, label: string): Promise<FrameworkBuild> {
  const { bin, deployed, env } = COMMANDS[framework];
  const cwd = join(FIXTURES, framework);
  await run(join(cwd, 'node_modules', '.bin', bin), ['build'], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', SKEWLESS_FIXTURE_LABEL: label, ...env },
  });
  const dir = join(RUN, framework, label);
  await rm(dir, { recursive: true, force: true });
  await cp(join(cwd, deployed), dir, { recursive: true });
  const release = JSON.parse(await readFile(join(dir, 'skewless.json'), 'utf8')).release as string;
  return { dir, release };
}

/** A static host for a framework's deployed folders, with the deploy states the specs need. */
export interface FrameworkSite {
  url: string;
  /**
   * Serve these folders from now on, the first that has a file answering: `serve(r2.dir, r1.dir)` is a
   * Skewless deploy (release 2 live, release 1's files kept); `serve(r2.dir)` is one whose old files are gone.
   */
  serve(...dirs: string[]): void;
  /**
   * The next `times` documents come from this folder whatever is live: an HTML cache that outlives its
   * release's files. `Infinity`: every one from now on.
   */
  staleDocuments(dir: string, times: number): void;
  /** Paths of the documents served, in order: a page load each. */
  documents: string[];
  /** `status path` of every request. */
  log: string[];
  close(): Promise<void>;
}

/**
 * The page a path is, in the order static hosts look: `/lazy` is SvelteKit's prerendered `lazy.html`, a
 * folder's `index.html`; any other route is the SPA fallback (adapter-static's `200.html`, else
 * `index.html`, as React Router's SPA mode deploys).
 */
function pageCandidates(path: string): string[] {
  const clean = path.replace(/\/+$/, '');
  return [...(clean ? [`${clean}.html`, `${clean}/index.html`] : ['index.html']), '200.html', 'index.html'];
}

export async function startFrameworkSite(...initial: string[]): Promise<FrameworkSite> {
  let layers = initial;
  let stale: { dir: string; left: number } | undefined;
  const documents: string[] = [];
  const log: string[] = [];

  const read = async (dirs: string[], files: string[]) => {
    for (const file of files)
      for (const dir of dirs) {
        const body = await readFile(join(dir, file)).catch(() => undefined);
        if (body) return { file, body };
      }
    return undefined;
  };

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.on('finish', () => log.push(`${res.statusCode} ${path}`));
    const isDocument = !extname(path) || path.endsWith('.html');
    let dirs = layers;
    if (isDocument && stale) {
      dirs = [stale.dir];
      if (--stale.left <= 0) stale = undefined;
    }
    const file = normalize(path).replace(/^([/\\])+/, '');
    const found = file.startsWith('..')
      ? undefined
      : await read(dirs, isDocument && !path.endsWith('.html') ? pageCandidates(file) : [file]);
    if (!found) {
      res.writeHead(404, { 'cache-control': 'no-store' }).end('not found');
      return;
    }
    if (isDocument) documents.push(path);
    const control = path.endsWith('skewless.json') || path.endsWith('/version.json');
    res.writeHead(200, {
      'content-type': contentTypeOf(found.file),
      'cache-control': isDocument || control ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
    res.end(found.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    serve(...dirs) {
      layers = dirs;
    },
    staleDocuments(dir, times) {
      stale = { dir, left: times };
    },
    documents,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the tab showed and did, across its documents. */
export interface TabWatch {
  /** Documents the tab requested: the first visit plus one per reload. */
  loads: { count: number };
  /** Uncaught errors and unhandled rejections, as Playwright reports them. */
  pageErrors: string[];
}

/**
 * Watches the tab: its documents, uncaught errors, and (kept in sessionStorage across reloads, read by
 * errorScreen()) whether any document ever showed text matching `errorScreen`: the framework's error page.
 * Each document also counts the failures the guard can see (`window.__fw`): a failed script element and
 * an unhandled rejection, counted by listeners added before any of the page's own, so they have run before
 * the guard's listeners in the same dispatch, and a test that sees a count knows the guard decided.
 */
export async function watchTab(page: Page, errorScreen: RegExp): Promise<TabWatch> {
  const loads = countLoads(page);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.addInitScript((pattern) => {
    // Which document of the tab this is (1: the first visit), so a count is never read from the one before.
    const document_ = Number(sessionStorage.getItem('fw:documents') ?? 0) + 1;
    sessionStorage.setItem('fw:documents', String(document_));
    const seen = { document: document_, scriptErrors: 0, rejections: 0 };
    (window as unknown as { __fw: typeof seen }).__fw = seen;
    addEventListener(
      'error',
      (event) => {
        if ((event.target as Element | null)?.tagName === 'SCRIPT') seen.scriptErrors++;
      },
      true,
    );
    addEventListener('unhandledrejection', () => seen.rejections++);
    const errorText = new RegExp(pattern);
    new MutationObserver(() => {
      // What the page shows: innerText leaves out the text of inline scripts and styles, which name errors.
      // biome-ignore lint/performance/useDomNodeTextContent: textContent would include that script text
      const text = document.body?.innerText ?? '';
      if (errorText.test(text)) sessionStorage.setItem('fw:error-screen', text.trim().slice(0, 200));
    }).observe(document, { subtree: true, childList: true, characterData: true });
  }, errorScreen.source);
  return { loads, pageErrors };
}

/** The error screen a document of the tab showed, if any ('' when none did). */
export function errorScreen(page: Page): Promise<string> {
  return page.evaluate(() => sessionStorage.getItem('fw:error-screen') ?? '');
}

export interface FailuresSeen {
  /** Which document of the tab counted them (1: the first visit, 2: after one reload). */
  document: number;
  scriptErrors: number;
  rejections: number;
}

/** The failures the current document's listeners counted (see watchTab); undefined between documents. */
export function failuresSeen(page: Page): Promise<FailuresSeen | undefined> {
  return page.evaluate(() => (window as unknown as { __fw: FailuresSeen }).__fw).catch(() => undefined);
}

/** The loop guard's record of a reload for `release` (the guard and the runtime share it): a time, or null. */
export function reloadRecorded(page: Page, release: string): Promise<string | null> {
  return page.evaluate((key) => sessionStorage.getItem(key), `skewless:${release}`);
}

/**
 * The tab stays on its current document: no reload pending or waiting (the guard's and the runtime's
 * shared in-flight flag) and `documents` loads in all.
 */
export async function settledAt(page: Page, watch: TabWatch, documents: number): Promise<void> {
  expect(await page.evaluate(() => !!(window as { __skewless?: { p?: boolean } }).__skewless?.p)).toBe(false);
  expect(watch.loads.count).toBe(documents);
}

/**
 * Release 1 and release 2 of a fixture, built once for the spec file, and the site each test starts
 * (`start`), closed after it.
 */
export function twoReleases(framework: Framework): {
  readonly r1: FrameworkBuild;
  readonly r2: FrameworkBuild;
  start: (...initial: string[]) => Promise<FrameworkSite>;
} {
  let r1: FrameworkBuild | undefined;
  let r2: FrameworkBuild | undefined;
  let site: FrameworkSite | undefined;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    r1 = await buildFramework(framework, 'r1');
    r2 = await buildFramework(framework, 'r2');
    expect(r1.release).not.toBe(r2.release);
  });
  test.afterEach(async () => {
    await site?.close();
    site = undefined;
  });
  const built = (b: FrameworkBuild | undefined) => {
    if (!b) throw new Error('the releases are built in beforeAll');
    return b;
  };
  return {
    get r1() {
      return built(r1);
    },
    get r2() {
      return built(r2);
    },
    start: async (...initial) => {
      site = await startFrameworkSite(...initial);
      return site;
    },
  };
}

/** The requests a site answered 404, the browser's own favicon request aside. */
export const missingFiles = (site: FrameworkSite) =>
  site.log.filter((line) => line.startsWith('404') && !line.endsWith('/favicon.ico'));
