import { describe, expect, it } from 'vitest';
import { STORAGE_PREFIX } from '../src/constants.js';
import { guardSource, renderGuard } from '../src/guard.js';
import { FakeStorage, type FakeWindow, fakeWindow, settle } from './fake-window.js';

const GLOBALS = [
  'window',
  'self',
  'document',
  'location',
  'navigator',
  'sessionStorage',
  'addEventListener',
  'dispatchEvent',
] as const;

/** Runs the minified guard exactly as shipped, against a fake window standing in for the globals. */
function runGuard(fake: FakeWindow, code = guardSource, storage: unknown = fake.storage) {
  const w = fake.raw;
  const values = [w, w, w.document, w.location, w.navigator, storage, w.addEventListener, w.dispatchEvent];
  new Function(...GLOBALS, code)(...values);
  const events: unknown[] = [];
  fake.window.addEventListener('skewless:reload', (event) => events.push((event as CustomEvent).detail));
  return events;
}

const entry = { tagName: 'SCRIPT', src: 'https://app.example/assets/index-0a1b2c3d.js' };

describe('the inline guard', () => {
  it('reloads once when the entry script fails, then leaves the next failure alone', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    const events = runGuard(fake);
    await fake.elementError(entry);
    await fake.elementError(entry);
    await settle();
    expect(fake.reloads).toHaveLength(1);
    expect(events).toMatchObject([
      { action: 'reload', reason: 'load-error', current: 'aaa', error: entry.src },
    ]);
    expect(fake.storage.items.has(`${STORAGE_PREFIX}aaa`)).toBe(true);

    const next = fake.reloadPage();
    runGuard(next);
    await next.elementError(entry);
    await settle();
    expect(next.reloads).toHaveLength(0);
  });

  it('shares the loop guard with the runtime: a reload by either counts for both', async () => {
    const storage = new FakeStorage();
    storage.setItem(`${STORAGE_PREFIX}aaa`, String(Date.now()));
    const fake = fakeWindow({ current: 'aaa', storage });
    runGuard(fake);
    await fake.elementError(entry);
    expect(fake.reloads).toHaveLength(0);
  });

  it('catches HTML-linked stylesheets', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    runGuard(fake);
    await fake.elementError({
      tagName: 'LINK',
      rel: 'stylesheet',
      href: 'https://app.example/assets/x-0a1b2c3d.css',
    });
    expect(fake.reloads).toHaveLength(1);
  });

  it('leaves modulepreload links alone: the module is reported by its own load (the entry, the import)', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    runGuard(fake);
    await fake.elementError({
      tagName: 'LINK',
      rel: 'modulepreload',
      href: 'https://app.example/assets/x-0a1b2c3d.js',
    });
    expect(fake.reloads).toHaveLength(0);
    expect(fake.storage.items.size).toBe(0);
    // The static import really is gone: the entry script fails too, and that reloads.
    await fake.elementError({ tagName: 'SCRIPT', src: 'https://app.example/assets/index-0a1b2c3d.js' });
    expect(fake.reloads).toHaveLength(1);
  });

  it('ignores other elements, other link types and third-party origins', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    runGuard(fake);
    await fake.elementError({ tagName: 'IMG', src: 'https://app.example/logo.png' });
    await fake.elementError({ tagName: 'LINK', rel: 'preload', href: 'https://app.example/font.woff2' });
    await fake.elementError({ tagName: 'LINK', rel: 'icon', href: 'https://app.example/favicon.ico' });
    await fake.elementError({ tagName: 'SCRIPT', src: 'https://analytics.example/tag.js' });
    await fake.elementError({ tagName: 'LINK', rel: 'stylesheet', href: 'https://fonts.example/css' });
    expect(fake.reloads).toHaveLength(0);
  });

  it("accepts the release URL's origin (assets on a CDN)", async () => {
    const fake = fakeWindow({ current: 'aaa' });
    runGuard(
      fake,
      renderGuard({ releaseUrl: 'https://cdn.example/skewless.json' }).replace(/<\/?script>/g, ''),
    );
    await fake.elementError({ tagName: 'SCRIPT', src: 'https://cdn.example/assets/index-0a1b2c3d.js' });
    expect(fake.reloads).toHaveLength(1);
  });

  it("reacts only to the build's assets folder: a backend's own /custom.css that 404s never reloads", async () => {
    const fake = fakeWindow({ current: 'aaa' });
    const handled: unknown[] = [];
    runGuard(fake, renderGuard({ releaseUrl: '/skewless.json', assetsUrl: '/assets/' }).slice(8, -9));
    await fake.elementError({ tagName: 'LINK', rel: 'stylesheet', href: 'https://app.example/custom.css' });
    await fake.elementError({ tagName: 'SCRIPT', src: 'https://app.example/custom.js' });
    // A folder that only starts like the assets folder is not it.
    await fake.elementError({ tagName: 'SCRIPT', src: 'https://app.example/assets-old/x-0a1b2c3d.js' });
    await settle();
    expect(fake.reloads).toHaveLength(0);
    expect(fake.storage.items.size).toBe(0);
    // The runtime, once installed, is not handed them either.
    (fake.raw as unknown as { __skewless: { f: unknown } }).__skewless.f = (e: unknown) => handled.push(e);
    await fake.elementError({ tagName: 'LINK', rel: 'stylesheet', href: 'https://app.example/custom.css' });
    expect(handled).toEqual([]);
    await fake.elementError({
      tagName: 'LINK',
      rel: 'stylesheet',
      href: 'https://app.example/assets/x-0a1b2c3d.css',
    });
    expect(handled).toEqual(['https://app.example/assets/x-0a1b2c3d.css']);
  });

  it('a build asset failing next to a failing foreign file: one reload', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    runGuard(
      fake,
      renderGuard({ releaseUrl: '/admin/skewless.json', assetsUrl: '/admin/assets/' }).slice(8, -9),
    );
    await fake.elementError({
      tagName: 'LINK',
      rel: 'stylesheet',
      href: 'https://app.example/admin/custom.css',
    });
    expect(fake.reloads).toHaveLength(0);
    await fake.elementError({ tagName: 'SCRIPT', src: 'https://app.example/admin/assets/index-DAp1K8Hb.js' });
    await fake.elementError({ tagName: 'SCRIPT', src: 'https://app.example/admin/assets/index-DAp1K8Hb.js' });
    await settle();
    expect(fake.reloads).toHaveLength(1);
  });

  it('a relative assets URL resolves as the page resolves its links (base ./)', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    // baseURI is https://app.example/users/42: `./assets/` is https://app.example/users/assets/.
    runGuard(fake, renderGuard({ assetsUrl: './assets/' }).slice(8, -9));
    await fake.elementError(entry);
    expect(fake.reloads).toHaveLength(0);
    await fake.elementError({ tagName: 'SCRIPT', src: 'https://app.example/users/assets/index-0a1b2c3d.js' });
    expect(fake.reloads).toHaveLength(1);
  });

  it("without assetsUrl: the release file's folder", async () => {
    const fake = fakeWindow({ current: 'aaa' });
    runGuard(fake, renderGuard({ releaseUrl: '/app/skewless.json' }).slice(8, -9));
    await fake.elementError(entry);
    expect(fake.reloads).toHaveLength(0);
    await fake.elementError({ tagName: 'SCRIPT', src: 'https://app.example/app/assets/index-0a1b2c3d.js' });
    expect(fake.reloads).toHaveLength(1);
  });

  it('hands failures to the runtime once it is installed', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    const handled: unknown[] = [];
    (fake.raw as unknown as { __skewless: unknown }).__skewless = { f: (e: unknown) => handled.push(e) };
    runGuard(fake);
    await fake.elementError(entry);
    expect(handled).toEqual([entry.src]);
    expect(fake.reloads).toHaveLength(0);
  });

  it('offline: asks at once, reloads only after the online event', async () => {
    const fake = fakeWindow({ current: 'aaa', online: false });
    const events = runGuard(fake);
    const failing = fake.elementError(entry);
    await settle();
    expect(events).toMatchObject([{ action: 'wait', reason: 'offline', current: 'aaa' }]);
    expect(fake.reloads).toHaveLength(0);
    fake.goOnline();
    await failing;
    expect(fake.reloads).toHaveLength(1);
    expect(events).toHaveLength(1);
  });

  it('a cancelled skewless:reload does not reload and uncounts itself', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    runGuard(fake);
    fake.window.addEventListener('skewless:reload', (event) => event.preventDefault());
    await fake.elementError(entry);
    expect(fake.reloads).toHaveLength(0);
    expect(fake.storage.items.size).toBe(0);
  });

  it('offline and cancelled: nothing waits for online', async () => {
    const fake = fakeWindow({ current: 'aaa', online: false });
    runGuard(fake);
    fake.window.addEventListener('skewless:reload', (event) => event.preventDefault());
    await fake.elementError(entry);
    fake.goOnline();
    await settle();
    expect(fake.reloads).toHaveLength(0);
    expect(fake.storage.items.size).toBe(0);
  });

  it('counts the reload again at reload time: an offline wait longer than the window stays guarded', async () => {
    let clock = 1_000_000;
    const realNow = Date.now;
    Date.now = () => clock;
    try {
      const fake = fakeWindow({ current: 'aaa', online: false });
      runGuard(fake);
      const failing = fake.elementError(entry);
      await settle();
      expect(fake.storage.items.get(`${STORAGE_PREFIX}aaa`)).toBe('1000000');
      clock += 45_000; // offline for longer than the 30 s window
      fake.goOnline();
      await failing;
      await settle();
      expect(fake.reloads).toHaveLength(1);
      expect(fake.storage.items.get(`${STORAGE_PREFIX}aaa`)).toBe('1045000');
      // The reloaded page, one second later, sees the entry fail again: no second reload.
      clock += 1_000;
      const next = fake.reloadPage();
      runGuard(next);
      await next.elementError(entry);
      expect(next.reloads).toHaveLength(0);
    } finally {
      Date.now = realNow;
    }
  });

  it('a corrupt stored time reads as a recent reload, as in the runtime (decide.ts)', async () => {
    const storage = new FakeStorage();
    storage.setItem(`${STORAGE_PREFIX}aaa`, 'not a time');
    const fake = fakeWindow({ current: 'aaa', storage });
    const events = runGuard(fake);
    await fake.elementError(entry);
    expect(fake.reloads).toHaveLength(0);
    expect(events).toEqual([]);
  });

  it('never reloads when sessionStorage throws', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    const denied = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    };
    runGuard(fake, guardSource, denied);
    await fake.elementError(entry);
    expect(fake.reloads).toHaveLength(0);
  });
});

describe("the guard for a framework's pages (framework: true)", () => {
  const frameworkGuard = (assetsUrl = '/_app/immutable/') =>
    renderGuard({ releaseUrl: '/skewless.json', assetsUrl, framework: true }).slice(8, -9);
  // React Router framework mode: the entry is an inline module with static imports.
  const inlineModule = (path: string) => ({
    tagName: 'SCRIPT',
    src: '',
    text: `import "${path}manifest-0a1b2c3d.js";\nimport * as route0 from "${path}root-0a1b2c3d.js";`,
  });
  // Chromium's message for a failed `import()`; Firefox's says "error loading dynamically imported module".
  const importFailed = (url: string) => new TypeError(`Failed to fetch dynamically imported module: ${url}`);

  it("reloads once for an inline module script that names the build's folder, then not again", async () => {
    const fake = fakeWindow({ current: 'aaa' });
    const events = runGuard(fake, frameworkGuard('/assets/'));
    await fake.elementError(inlineModule('/assets/'));
    await fake.elementError(inlineModule('/assets/'));
    expect(fake.reloads).toHaveLength(1);
    expect(events).toMatchObject([
      { action: 'reload', reason: 'load-error', current: 'aaa', error: 'https://app.example/assets/' },
    ]);
    const next = fake.reloadPage();
    runGuard(next, frameworkGuard('/assets/'));
    await next.elementError(inlineModule('/assets/'));
    expect(next.reloads).toHaveLength(0);
  });

  it("never reloads for a third party's failing inline module, nor for an inline one in the general guard", async () => {
    const fake = fakeWindow({ current: 'aaa' });
    runGuard(fake, frameworkGuard('/assets/'));
    await fake.elementError(inlineModule('https://widgets.example/'));
    await fake.elementError({ tagName: 'SCRIPT', src: '', text: 'import "/vendor/chat.js";' });
    expect(fake.reloads).toHaveLength(0);
    expect(fake.storage.items.size).toBe(0);

    const general = fakeWindow({ current: 'aaa' });
    runGuard(general, renderGuard({ releaseUrl: '/skewless.json', assetsUrl: '/assets/' }).slice(8, -9));
    await general.elementError(inlineModule('/assets/'));
    await general.unhandledRejection(importFailed('https://app.example/assets/entry-0a1b2c3d.js'));
    expect(general.reloads).toHaveLength(0);
  });

  it("reloads once for an unhandled failed import() of the build's folder (SvelteKit's start script)", async () => {
    const fake = fakeWindow({ current: 'aaa' });
    const events = runGuard(fake, frameworkGuard());
    const url = 'https://app.example/_app/immutable/entry/start.C1Uq9DFI.js';
    await fake.unhandledRejection(importFailed(url));
    await fake.unhandledRejection(importFailed(url));
    expect(fake.reloads).toHaveLength(1);
    expect(events).toMatchObject([{ action: 'reload', reason: 'load-error', error: url }]);
  });

  it('leaves every other rejection alone: other URLs, other errors, no message, no reason', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    runGuard(fake, frameworkGuard());
    await fake.unhandledRejection(importFailed('https://widgets.example/_app/immutable/chat.js'));
    await fake.unhandledRejection(importFailed('https://app.example/vendor/chat.js'));
    // An app's own error that happens to name a file of the build is no failed module load.
    await fake.unhandledRejection(new Error('bad JSON in https://app.example/_app/immutable/data.json'));
    // Safari's message names no URL: not covered, and never a blind reload.
    await fake.unhandledRejection(new TypeError('Importing a module script failed.'));
    await fake.unhandledRejection(undefined);
    await fake.unhandledRejection(null);
    await fake.unhandledRejection('https://app.example/_app/immutable/x.js module');
    expect(fake.reloads).toHaveLength(0);
    expect(fake.storage.items.size).toBe(0);
  });

  it('hands both kinds to the runtime once it is installed, and keeps what the general guard does', async () => {
    const fake = fakeWindow({ current: 'aaa' });
    runGuard(fake, frameworkGuard('/assets/'));
    const handled: unknown[] = [];
    (fake.raw as unknown as { __skewless: { f: (e: unknown) => boolean } }).__skewless.f = (e) =>
      handled.push(e) > 0;
    await fake.elementError(inlineModule('/assets/'));
    await fake.unhandledRejection(importFailed('https://app.example/assets/lazy-0a1b2c3d.js'));
    await fake.elementError({ tagName: 'SCRIPT', src: 'https://app.example/assets/index-0a1b2c3d.js' });
    await fake.elementError({
      tagName: 'LINK',
      rel: 'modulepreload',
      href: 'https://app.example/assets/x.js',
    });
    expect(handled).toEqual([
      'https://app.example/assets/',
      'https://app.example/assets/lazy-0a1b2c3d.js',
      'https://app.example/assets/index-0a1b2c3d.js',
    ]);
    expect(fake.reloads).toHaveLength(0);
  });
});

describe('renderGuard', () => {
  it('renders one script element with the nonce, safe for any release URL', () => {
    const html = renderGuard({
      nonce: 'r4nd"om',
      releaseUrl: '/a/</script><script>alert(1)</script>$&.json',
    });
    expect(html.startsWith('<script nonce="r4nd&quot;om">')).toBe(true);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('"/a/\\u003c/script>\\u003cscript>alert(1)\\u003c/script>$&.json"');
  });

  it('without options: no nonce, the default release URL', () => {
    expect(renderGuard()).toBe(`<script>${guardSource}</script>`);
    expect(guardSource).not.toContain('__SKEWLESS');
  });
});
