import { afterEach, describe, expect, it } from 'vitest';
import { STORAGE_PREFIX } from '../src/constants.js';
import { install } from '../src/install.js';
import { FakeStorage, fakeWindow, settle } from './fake-window.js';

const g = globalThis as { window?: unknown };

/** Dispatches `vite:preloadError` as Vite's preload helper does, and returns whether it was prevented. */
function preloadError(w: Window): boolean {
  const event = new Event('vite:preloadError', { cancelable: true }) as Event & { payload?: unknown };
  event.payload = new Error('Failed to fetch dynamically imported module');
  w.dispatchEvent(event);
  return event.defaultPrevented;
}

describe('install', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => {
    uninstall?.();
    delete g.window;
  });

  it('prevents vite:preloadError only when it will reload', async () => {
    const storage = new FakeStorage();
    const fake = fakeWindow({ current: 'aaa', live: 'bbb', storage });
    g.window = fake.window;
    uninstall = install();
    expect(preloadError(fake.window)).toBe(true);
    await settle();
    expect(fake.reloads).toHaveLength(1);

    // The next page, same tab, same release: the guard trips, the error must reach the app.
    const next = fake.reloadPage();
    g.window = next.window;
    uninstall = install();
    expect(preloadError(next.window)).toBe(false);
    await settle();
    expect(next.reloads).toHaveLength(0);
  });

  it('a cancelled skewless:reload leaves vite:preloadError unprevented: the import rejects in the app', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    g.window = fake.window;
    const seen: string[] = [];
    uninstall = install({ onSkew: (info) => seen.push(`${info.action} ${info.reason}`) });
    fake.window.addEventListener('skewless:reload', (event) => event.preventDefault());
    expect(preloadError(fake.window)).toBe(false);
    expect(seen).toEqual(['cancelled load-error']);
    await settle();
    expect(fake.reloads).toHaveLength(0);
  });

  it('a second install replaces the first (one listener, the latest options)', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    g.window = fake.window;
    const seen: string[] = [];
    install({ onSkew: () => seen.push('first') });
    uninstall = install({ onSkew: (info) => seen.push(`second ${info.reason}`) });
    expect(preloadError(fake.window)).toBe(true);
    await settle();
    expect(seen).toEqual(['second new-release']);
    expect(fake.reloads).toHaveLength(1);
  });

  it('passes its options and handler to the inline guard through the shared state', () => {
    const fake = fakeWindow({ current: 'aaa' });
    g.window = fake.window;
    uninstall = install({ storageKeyPrefix: 'x:' });
    const state = (fake.window as unknown as { __skewless: { f?: unknown; o?: unknown } }).__skewless;
    expect(typeof state.f).toBe('function');
    expect(state.o).toEqual({ storageKeyPrefix: 'x:' });
    uninstall();
    expect(state.f).toBeUndefined();
    expect(preloadError(fake.window)).toBe(false);
  });

  it('the page after a reload reports it to the install() the entry ends with', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    g.window = fake.window;
    uninstall = install();
    // This page's own look for a report comes first, as in a browser (a microtask after install).
    await settle();
    expect(preloadError(fake.window)).toBe(true);
    expect(fake.reloads).toHaveLength(1);

    const next = fake.reloadPage({ current: 'bbb' });
    g.window = next.window;
    const seen: string[] = [];
    // `import '@skewless/runtime'` (defaults), then the entry's own install({ onSkew }) in the same run.
    install();
    uninstall = install({
      onSkew: (info) => seen.push(`${info.action} ${info.reason} ${info.current}>${info.live}`),
    });
    await settle();
    expect(seen).toEqual(['reload new-release aaa>bbb']);
    expect(next.fetched).toHaveLength(1);
  });

  it('a page restored from the back-forward cache starts its loop-guard window afresh', async () => {
    const storage = new FakeStorage();
    const fake = fakeWindow({ current: 'aaa', live: 'aaa', storage });
    g.window = fake.window;
    uninstall = install();
    // This release reloaded this tab a moment ago, and a reload is under way (abandoned when the user left).
    storage.setItem(`${STORAGE_PREFIX}aaa`, String(Date.now() - 1_000));
    expect(preloadError(fake.window)).toBe(false);
    const state = (fake.window as unknown as { __skewless: { p?: boolean } }).__skewless;
    state.p = true;

    const show = (persisted: boolean) => {
      const event = new Event('pageshow') as Event & { persisted: boolean };
      event.persisted = persisted;
      fake.window.dispatchEvent(event);
    };
    show(false);
    expect(state.p).toBe(true);
    show(true);
    expect(state.p).toBe(false);
    expect(preloadError(fake.window)).toBe(true);
    expect(fake.reloads).toHaveLength(1);
    // Counted anew: the page after this reload is guarded as before.
    const next = fake.reloadPage();
    g.window = next.window;
    uninstall = install();
    expect(preloadError(next.window)).toBe(false);
  });

  it('does nothing outside a browser (SSR import)', () => {
    expect(() => install()()).not.toThrow();
  });

  it('uses the storage key prefix option', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'aaa' });
    g.window = fake.window;
    uninstall = install({ storageKeyPrefix: 'myapp:' });
    preloadError(fake.window);
    await settle();
    expect([...fake.storage.items.keys()]).toEqual(['myapp:aaa']);
    expect(fake.storage.items.has(`${STORAGE_PREFIX}aaa`)).toBe(false);
  });
});
