import { afterEach, describe, expect, it } from 'vitest';
import { STORAGE_PREFIX } from '../src/constants.js';
import { install } from '../src/install.js';
import { followReactRouter } from '../src/react-router.js';
import { reloadTo } from '../src/reload-to.js';
import type { ReactRouterPath, VueRouteLike } from '../src/types.js';
import { followVueRouter } from '../src/vue-router.js';
import { type FakeWindow, fakeWindow, settle } from './fake-window.js';

const g = globalThis as { window?: unknown };

/** Dispatches `vite:preloadError` as Vite's preload helper does, and returns whether it was prevented. */
function preloadError(w: Window): boolean {
  const event = new Event('vite:preloadError', { cancelable: true }) as Event & { payload?: unknown };
  event.payload = new TypeError('Failed to fetch dynamically imported module');
  w.dispatchEvent(event);
  return event.defaultPrevented;
}

const stops: (() => void)[] = [];
function installed(fake: FakeWindow): FakeWindow {
  g.window = fake.window;
  stops.push(install());
  return fake;
}

afterEach(() => {
  reloadTo(null);
  for (const stop of stops.splice(0)) stop();
  delete g.window;
});

describe('reloadTo', () => {
  it('the guarded reload loads the destination, a new history entry, and is counted as a reload', async () => {
    const fake = installed(fakeWindow({ current: 'aaa', live: 'bbb' }));
    expect(reloadTo('/logs?x=1')).toBe(true);
    expect(preloadError(fake.window)).toBe(true);
    expect(fake.assigned).toEqual(['https://app.example/logs?x=1']);
    expect(fake.reloads).toHaveLength(0);
    expect(fake.storage.getItem(`${STORAGE_PREFIX}aaa`)).toMatch(/^\d+$/);

    // The page it lands on is still the old release (a stale CDN page): the loop guard holds.
    const next = installed(fake.reloadPage());
    reloadTo('/logs?x=1');
    expect(preloadError(next.window)).toBe(false);
    expect(next.assigned).toEqual([]);
    expect(next.reloads).toHaveLength(0);
  });

  it('resolves like a link, against document.baseURI', () => {
    const fake = installed(fakeWindow({ current: 'aaa' }));
    reloadTo('logs');
    preloadError(fake.window);
    expect(fake.assigned).toEqual(['https://app.example/users/logs']);
  });

  it('another origin, another scheme or no URL: ignored, the reload stays on the current URL', () => {
    for (const url of [
      'https://evil.example/phish',
      'javascript:alert(1)',
      'data:text/html,hi',
      'blob:https://app.example/0b4d',
      'http://app.example/plain-http',
      'http://[bad',
    ]) {
      const fake = installed(fakeWindow({ current: 'aaa' }));
      reloadTo('/logs');
      expect(reloadTo(url)).toBe(false);
      preloadError(fake.window);
      expect(fake.assigned).toEqual([]);
      expect(fake.reloads).toHaveLength(1);
    }
  });

  it('null clears the destination', () => {
    const fake = installed(fakeWindow({ current: 'aaa' }));
    reloadTo('/logs');
    expect(reloadTo(null)).toBe(true);
    preloadError(fake.window);
    expect(fake.assigned).toEqual([]);
    expect(fake.reloads).toHaveLength(1);
  });

  it('the current URL, or one that differs only in its fragment: a real reload, not a same-document navigation', () => {
    const same = installed(fakeWindow({ current: 'aaa' }));
    reloadTo(same.window.location.href);
    preloadError(same.window);
    expect(same.assigned).toEqual([]);
    expect(same.replaced).toEqual([]);
    expect(same.reloads).toHaveLength(1);

    // A hash router's next route: the entry takes the URL, then the page reloads.
    const hash = installed(fakeWindow({ current: 'bbb' }));
    reloadTo('/users/42?tab=2#/logs');
    preloadError(hash.window);
    expect(hash.assigned).toEqual([]);
    expect(hash.replaced).toEqual(['https://app.example/users/42?tab=2#/logs']);
    expect(hash.reloads).toHaveLength(1);
  });

  it('called after the reload went out to the current URL: that reload goes to the destination at once', () => {
    const fake = installed(fakeWindow({ current: 'aaa' }));
    expect(preloadError(fake.window)).toBe(true);
    expect(fake.reloads).toHaveLength(1);
    reloadTo('/logs');
    expect(fake.assigned).toEqual(['https://app.example/logs']);
    // Told again (or cleared) while it is under way: nothing more.
    reloadTo('/logs');
    reloadTo(null);
    expect(fake.assigned).toEqual(['https://app.example/logs']);
  });

  it('a cancelled reload goes nowhere, and the destination waits for the next failure', () => {
    const fake = installed(fakeWindow({ current: 'aaa' }));
    const cancel = (event: Event) => event.preventDefault();
    fake.window.addEventListener('skewless:reload', cancel);
    reloadTo('/logs');
    expect(preloadError(fake.window)).toBe(false);
    expect(fake.assigned).toEqual([]);
    fake.window.removeEventListener('skewless:reload', cancel);
    expect(preloadError(fake.window)).toBe(true);
    expect(fake.assigned).toEqual(['https://app.example/logs']);
  });

  it('offline: the reload waits for online and goes to the destination of that moment', async () => {
    const fake = installed(fakeWindow({ current: 'aaa', online: false }));
    reloadTo('/logs');
    expect(preloadError(fake.window)).toBe(true);
    expect(fake.assigned).toEqual([]);
    reloadTo('/audit');
    expect(fake.assigned).toEqual([]);
    fake.goOnline();
    await settle();
    expect(fake.assigned).toEqual(['https://app.example/audit']);
  });
});

/** A vue-router stand-in with the hooks followVueRouter uses; `v4` adds `isReady`. */
function vueRouter(v4: boolean) {
  const before: ((to: VueRouteLike, from: VueRouteLike, next?: () => void) => unknown)[] = [];
  const after: (() => void)[] = [];
  const errors: ((error: unknown, to?: VueRouteLike) => void)[] = [];
  const nexts: string[] = [];
  const add =
    <T>(list: T[]) =>
    (item: T) => {
      list.push(item);
      return () => void list.splice(list.indexOf(item), 1);
    };
  const router = {
    beforeEach: add(before),
    afterEach: add(after),
    onError: add(errors),
    resolve: (to: string) => ({ href: `/app${to}` }),
    ...(v4 ? { isReady: () => Promise.resolve() } : {}),
  };
  return {
    router,
    nexts,
    /** A navigation starts: the global guards run (vue-router 3 waits for `next`). */
    start(fullPath: string) {
      for (const guard of before)
        guard({ fullPath }, { fullPath: '/settings' }, () => void nexts.push(fullPath));
    },
    finish: () => {
      for (const hook of after) hook();
    },
    fail(error: unknown, fullPath?: string) {
      for (const handler of errors) handler(error, v4 && fullPath ? { fullPath } : undefined);
    },
    hooks: () => before.length + after.length + errors.length,
  };
}

describe('followVueRouter', () => {
  for (const v4 of [true, false]) {
    describe(`vue-router ${v4 ? 4 : 3}`, () => {
      it('a lazy route failing while its navigation runs: the reload loads that route, with the base', () => {
        const fake = installed(fakeWindow({ current: 'aaa' }));
        const vue = vueRouter(v4);
        stops.push(followVueRouter(vue.router));
        vue.start('/logs?level=warn');
        // vue-router 3 waits for `next`; vue-router 4 reads the guard's arity and must not get one to call.
        expect(vue.nexts).toEqual(v4 ? [] : ['/logs?level=warn']);
        expect(preloadError(fake.window)).toBe(true);
        expect(fake.assigned).toEqual(['https://app.example/app/logs?level=warn']);
      });

      it('a finished navigation clears the destination', () => {
        const fake = installed(fakeWindow({ current: 'aaa' }));
        const vue = vueRouter(v4);
        stops.push(followVueRouter(vue.router));
        vue.start('/logs');
        vue.finish();
        preloadError(fake.window);
        expect(fake.assigned).toEqual([]);
        expect(fake.reloads).toHaveLength(1);
      });

      it('an error heard after the reload went out (a build without the pending helper): it goes to the route', () => {
        const fake = installed(fakeWindow({ current: 'aaa' }));
        const vue = vueRouter(v4);
        stops.push(followVueRouter(vue.router));
        // The reload went out to the current URL (no navigation was known), and the router hears of the
        // failure only now: vue-router 4 names the route; vue-router 3 does not, so the reload stays.
        expect(preloadError(fake.window)).toBe(true);
        expect(fake.reloads).toHaveLength(1);
        vue.fail(new TypeError('undefined'), '/logs');
        expect(fake.assigned).toEqual(v4 ? ['https://app.example/app/logs'] : []);
      });

      it("an error with no reload under way is the app's: the destination is cleared", () => {
        const fake = installed(fakeWindow({ current: 'aaa' }));
        const vue = vueRouter(v4);
        stops.push(followVueRouter(vue.router));
        vue.start('/broken');
        vue.fail(new Error('a bug in a guard'), '/broken');
        preloadError(fake.window);
        expect(fake.assigned).toEqual([]);
        expect(fake.reloads).toHaveLength(1);
      });

      it('stop removes the hooks', () => {
        const fake = installed(fakeWindow({ current: 'aaa' }));
        const vue = vueRouter(v4);
        followVueRouter(vue.router)();
        expect(vue.hooks()).toBe(0);
        vue.start('/logs');
        preloadError(fake.window);
        expect(fake.assigned).toEqual([]);
      });
    });
  }
});

describe('followReactRouter', () => {
  function reactRouter() {
    const subscribers: ((state: { navigation: { location?: ReactRouterPath } }) => void)[] = [];
    return {
      router: {
        subscribe(fn: (typeof subscribers)[number]) {
          subscribers.push(fn);
          return () => void subscribers.splice(subscribers.indexOf(fn), 1);
        },
        createHref: (to: ReactRouterPath) => `/base${to.pathname}${to.search}${to.hash}`,
      },
      navigate(location?: ReactRouterPath) {
        for (const fn of subscribers) fn({ navigation: location ? { location } : {} });
      },
      subscribers,
    };
  }

  it("a lazy route failing while loading: the reload loads the navigation's location, with the basename", () => {
    const fake = installed(fakeWindow({ current: 'aaa' }));
    const rr = reactRouter();
    stops.push(followReactRouter(rr.router));
    rr.navigate({ pathname: '/logs', search: '?level=warn', hash: '#end' });
    expect(preloadError(fake.window)).toBe(true);
    expect(fake.assigned).toEqual(['https://app.example/base/logs?level=warn#end']);
  });

  it('an idle navigation clears the destination; the unsubscribe stops following', () => {
    const fake = installed(fakeWindow({ current: 'aaa' }));
    const rr = reactRouter();
    const stop = followReactRouter(rr.router);
    rr.navigate({ pathname: '/logs', search: '', hash: '' });
    rr.navigate();
    preloadError(fake.window);
    expect(fake.assigned).toEqual([]);
    expect(fake.reloads).toHaveLength(1);
    stop();
    expect(rr.subscribers).toHaveLength(0);
  });
});
