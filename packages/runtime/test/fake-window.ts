// A small stand-in for the browser globals the runtime and the guard touch (no DOM library here).
// Events go through Node's real EventTarget, so cancelation and `once` behave as in a browser.

/** sessionStorage over a Map, or one that throws like Safari's private mode / disabled storage. */
export class FakeStorage {
  readonly items = new Map<string, string>();
  constructor(private readonly readOnly = false) {}
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.readOnly) throw new DOMException('quota', 'QuotaExceededError');
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

export interface FakeOptions {
  /** The page's release, put into `<meta name="skewless-release">`; undefined: no meta tag. */
  current?: string;
  /** What `skewless.json` answers; undefined: 404; an Error: the fetch rejects. */
  live?: string | Error;
  online?: boolean;
  storage?: FakeStorage;
  /** Reading `sessionStorage` throws (storage disabled by privacy settings). */
  storageDenied?: boolean;
  origin?: string;
}

export type FakeWindow = ReturnType<typeof fakeWindow>;

export function fakeWindow(options: FakeOptions = {}) {
  const target = new EventTarget();
  const origin = options.origin ?? 'https://app.example';
  const storage = options.storage ?? new FakeStorage();
  const fetched: string[] = [];
  const reloads: number[] = [];
  /** Every new address given to `location` (href, assign, replace): a reload must keep the page's own. */
  const assigned: string[] = [];
  const listeners: { type: string; fn: (event: unknown) => unknown; capture: boolean }[] = [];
  const documentEvents = new EventTarget();
  const pushed: string[] = [];
  /** URLs passed to history.replaceState; the last one is the page's address from then on. */
  const replaced: string[] = [];
  let href = `${origin}/users/42?tab=2#notes`;
  const w = {
    document: {
      visibilityState: 'visible' as DocumentVisibilityState,
      addEventListener: documentEvents.addEventListener.bind(documentEvents),
      removeEventListener: documentEvents.removeEventListener.bind(documentEvents),
      dispatchEvent: documentEvents.dispatchEvent.bind(documentEvents),
      baseURI: `${origin}/users/42`,
      querySelector: (selector: string) =>
        selector.includes('skewless-release') && options.current !== undefined
          ? { content: options.current }
          : null,
    },
    navigator: { onLine: options.online ?? true },
    location: {
      origin,
      protocol: new URL(origin).protocol,
      get href() {
        return href;
      },
      set href(url: string) {
        assigned.push(url);
      },
      assign: (url: string) => void assigned.push(url),
      replace: (url: string) => void assigned.push(url),
      reload: () => void reloads.push(Date.now()),
    },
    history: {
      pushState(_state: unknown, _title: string, url?: string) {
        pushed.push(String(url));
      },
      replaceState(_state: unknown, _title: string, url?: string) {
        replaced.push(String(url));
        if (url) href = new URL(url, href).href;
      },
    },
    setInterval,
    clearInterval,
    fetch: async (url: URL | string, init?: RequestInit) => {
      // Resolved as a browser's fetch() resolves a relative URL: against the document's base URL.
      fetched.push(`${new URL(url, w.document.baseURI)} ${init?.cache}`);
      if (options.live instanceof Error) throw options.live;
      const body = options.live === undefined ? '<h1>404</h1>' : JSON.stringify({ release: options.live });
      return new Response(body, { status: options.live === undefined ? 404 : 200 });
    },
    addEventListener: (
      type: string,
      fn: (event: unknown) => unknown,
      opts?: boolean | AddEventListenerOptions,
    ) => {
      // Browsers convert a non-object third argument to boolean (the minified guard passes 1); Node throws,
      // and Node 20 does not remove a listener added with a plain `true`: always an object here.
      const normalized = typeof opts === 'object' ? opts : { capture: !!opts };
      listeners.push({ type, fn, capture: typeof opts === 'object' ? !!opts.capture : !!opts });
      target.addEventListener(type, fn as EventListener, normalized);
    },
    removeEventListener: (
      type: string,
      fn: (event: unknown) => unknown,
      opts?: boolean | EventListenerOptions,
    ) => {
      target.removeEventListener(
        type,
        fn as EventListener,
        typeof opts === 'object' ? opts : { capture: !!opts },
      );
    },
    dispatchEvent: (event: Event) => target.dispatchEvent(event),
    get sessionStorage(): FakeStorage {
      if (options.storageDenied) throw new DOMException('storage disabled', 'SecurityError');
      return storage;
    },
    CustomEvent,
  };
  return {
    window: w as unknown as Window,
    raw: w,
    storage,
    fetched,
    reloads,
    assigned,
    /** URLs passed to history.pushState (the app's route changes). */
    pushed,
    replaced,
    /** Fire an element's load failure as the browser does: a non-bubbling `error` seen by capture listeners. */
    elementError(el: { tagName: string; src?: string; href?: string; rel?: string }) {
      return Promise.all(
        listeners.filter((l) => l.type === 'error' && l.capture).map((l) => l.fn({ target: el })),
      );
    },
    /** The tab comes back to the foreground. */
    becomeVisible() {
      w.document.visibilityState = 'visible';
      documentEvents.dispatchEvent(new Event('visibilitychange'));
    },
    goOnline() {
      w.navigator.onLine = true;
      target.dispatchEvent(new Event('online'));
    },
    /** The next page load in the same tab: same sessionStorage, fresh window state. */
    reloadPage(next: FakeOptions = {}) {
      return fakeWindow({ ...options, ...next, storage, origin });
    },
  };
}

/** Lets the handler's async part (fetch, reading the body) run to its end. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
