import type { Browser, BrowserContext, Page } from '@playwright/test';
import { mark } from './timeline.js';

/** What the user sees on the page: the app's version label and the state of the route view. */
export interface UserSees {
  /** The version label of the running app code (`v1`, `v2`), `''` when the app did not start. */
  version: string;
  /** The route the view shows. */
  route: string;
  /** `ready`, `error`, `loading`, `recovering`, or `blank` when the app never ran. */
  state: string;
  /** The text of the view. */
  text: string;
}

/** A browser user with counters: failed requests, page loads, the bodies of asset responses. */
export interface Visitor {
  page: Page;
  context: BrowserContext;
  /** `status url` (or `failed url`) of every request that did not succeed. */
  failedRequests: string[];
  /** Page loads the user did not ask for (reloads by a guard). */
  reloads(): number;
  /** Asset responses seen (URL path with query → body), once every body has arrived. */
  assetBodies(): Promise<Map<string, Buffer>>;
  goto(path: string): Promise<void>;
  /** Click a route link and wait until the view settles; returns the final view state. */
  openRoute(path: string): Promise<string>;
  sees(): Promise<UserSees>;
  screenshot(): Promise<Buffer>;
}

const SETTLED = new Set(['ready', 'error']);

/** Open a fresh context (empty cache, like a new user) on `base`. */
export async function openVisitor(browser: Browser, base: string): Promise<Visitor> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 640, height: 360 } });
  const page = await context.newPage();
  const failedRequests: string[] = [];
  const assetBodies = new Map<string, Buffer>();
  const pendingBodies: Promise<void>[] = [];
  let loads = 0;
  let asked = 0;
  page.on('load', () => {
    loads++;
    mark('tab', `page load ${loads}${loads > asked ? ' (a reload nobody asked for)' : ''}`);
  });
  const answered = new WeakSet<object>();
  page.on('requestfailed', (request) => {
    // An error status is counted once, at its response; Chromium may also fail the request after it.
    if (answered.has(request)) return;
    failedRequests.push(`failed ${new URL(request.url()).pathname}`);
    mark('tab', `failed ${new URL(request.url()).pathname}`, true);
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.protocol === 'data:') return;
    mark('tab', `${response.status()} ${url.pathname}${url.search}`, response.status() >= 400);
    if (response.status() >= 400) {
      answered.add(response.request());
      failedRequests.push(`${response.status()} ${url.pathname}`);
    } else if (url.pathname.startsWith('/assets/')) {
      pendingBodies.push(
        response.body().then(
          (body) => {
            assetBodies.set(url.pathname + url.search, body);
          },
          () => {},
        ),
      );
    }
  });

  async function viewState(): Promise<{ route: string; state: string } | undefined> {
    try {
      return await page.evaluate(() => {
        const view = document.getElementById('view');
        return { route: view?.dataset.route ?? '', state: view?.dataset.state ?? '' };
      });
    } catch {
      return undefined; // a navigation destroyed the context: look again after the load
    }
  }

  return {
    page,
    context,
    failedRequests,
    assetBodies: async () => {
      await Promise.all(pendingBodies);
      return assetBodies;
    },
    reloads: () => Math.max(0, loads - asked),
    async goto(path) {
      asked++;
      await page.goto(path, { waitUntil: 'load' });
      await settle(path);
    },
    async openRoute(path) {
      await page.click(`a[href="${path}"]`);
      return settle(path);
    },
    async sees() {
      try {
        return await page.evaluate(() => {
          const view = document.getElementById('view');
          const label = document.getElementById('version');
          return {
            version: label?.dataset.version ? `v${label.dataset.version}` : '',
            route: view?.dataset.route ?? location.pathname,
            state: label?.dataset.version ? (view?.dataset.state ?? '') : 'blank',
            text: (view?.textContent ?? '').trim().slice(0, 160),
          };
        });
      } catch {
        return { version: '', route: '', state: 'blank', text: '' };
      }
    },
    screenshot: () => page.screenshot({ type: 'png' }),
  };

  // The entry sets the version label synchronously; after the load event a page without it never ran.
  async function appStarted(): Promise<boolean> {
    return page
      .evaluate(
        () => document.readyState !== 'complete' || !!document.getElementById('version')?.dataset.version,
      )
      .catch(() => true);
  }

  // Waits by polling the DOM, not by time: a route counts as settled when the view says so, and a
  // guarded reload in between is followed. Gives up after 10 s (the view is then "loading").
  async function settle(path: string): Promise<string> {
    const deadline = Date.now() + 10_000;
    let last = '';
    while (Date.now() < deadline) {
      const view = await viewState();
      if (view) {
        last = view.state;
        if (view.route === path && SETTLED.has(view.state)) return view.state;
        // The entry script never ran (its file failed): nothing will settle.
        if (view.state === 'loading' && !(await appStarted())) return 'blank';
      }
      await page.waitForTimeout(50);
    }
    return last || 'blank';
  }
}
