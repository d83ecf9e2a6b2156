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

/** A BroadcastChannel of one {@link FakeOrigin}: messages reach the origin's other open channels of the name. */
class FakeChannel {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(
    private readonly origin: FakeOrigin,
    readonly name: string,
  ) {
    origin.channels.add(this);
  }
  postMessage(data: unknown): void {
    for (const other of this.origin.channels)
      if (other !== this && other.name === this.name)
        queueMicrotask(() => other.onmessage?.({ data: structuredClone(data) }));
  }
  close(): void {
    this.origin.channels.delete(this);
  }
}

/**
 * What the tabs of one origin share: localStorage (a write fires `storage` on the other tabs, as in a
 * browser), BroadcastChannel (unless `broadcastChannel` is false: older browsers) and, when `locks`, the
 * Web Locks API (`ifAvailable` requests only).
 */
export class FakeOrigin {
  readonly local = new Map<string, string>();
  readonly channels = new Set<FakeChannel>();
  readonly tabs: { target: EventTarget }[] = [];
  readonly held = new Set<string>();
  /** How many lock requests the tabs made. */
  lockRequests = 0;
  constructor(readonly features: { broadcastChannel?: boolean; locks?: boolean } = {}) {}

  localStorage(tab: { target: EventTarget }) {
    return {
      getItem: (key: string) => this.local.get(key) ?? null,
      setItem: (key: string, value: string) => {
        const newValue = String(value);
        if (this.local.get(key) === newValue) return;
        this.local.set(key, newValue);
        for (const other of this.tabs)
          if (other !== tab)
            queueMicrotask(() =>
              other.target.dispatchEvent(Object.assign(new Event('storage'), { key, newValue })),
            );
      },
      removeItem: (key: string) => void this.local.delete(key),
    };
  }

  channel(): unknown {
    if (this.features.broadcastChannel === false) return undefined;
    const origin = this;
    return class extends FakeChannel {
      constructor(name: string) {
        super(origin, name);
      }
    };
  }

  locks(): unknown {
    if (!this.features.locks) return undefined;
    return {
      request: async (name: string, _options: unknown, callback: (lock: unknown) => unknown) => {
        this.lockRequests++;
        if (this.held.has(name)) return callback(null);
        this.held.add(name);
        try {
          return await callback({ name });
        } finally {
          this.held.delete(name);
        }
      },
    };
  }
}

export interface FakeOptions {
  /** The page's release, put into `<meta name="skewless-release">`; undefined: no meta tag. */
  current?: string;
  /** What `skewless.json` answers; undefined: 404; an Error: the fetch rejects. */
  live?: string | Error;
  /** The server's SPA fallback answers the release file with the app's HTML (200 text/html). */
  spaFallback?: boolean;
  online?: boolean;
  storage?: FakeStorage;
  /** Reading `sessionStorage` throws (storage disabled by privacy settings). */
  storageDenied?: boolean;
  origin?: string;
  /** The other tabs of the origin (localStorage, BroadcastChannel, locks); default: a tab of its own. */
  shared?: FakeOrigin;
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
  const shared = options.shared ?? new FakeOrigin();
  const tab = { target };
  shared.tabs.push(tab);
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
    navigator: { onLine: options.online ?? true, locks: shared.locks() },
    localStorage: shared.localStorage(tab),
    BroadcastChannel: shared.channel(),
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
    // Looked up at each call, so vitest's fake timers (installed after the window is made) apply.
    setTimeout: (fn: () => void, ms?: number) => globalThis.setTimeout(fn, ms),
    clearTimeout: (id?: ReturnType<typeof setTimeout>) => globalThis.clearTimeout(id),
    fetch: async (url: URL | string, init?: RequestInit) => {
      // Resolved as a browser's fetch() resolves a relative URL: against the document's base URL.
      fetched.push(`${new URL(url, w.document.baseURI)} ${init?.cache}`);
      if (options.live instanceof Error) throw options.live;
      if (options.spaFallback)
        return new Response('<!doctype html><div id="app"></div>', {
          status: 200,
          headers: { 'content-type': 'text/html; charset=utf-8' },
        });
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
    elementError(el: { tagName: string; src?: string; href?: string; rel?: string; text?: string }) {
      return Promise.all(
        listeners.filter((l) => l.type === 'error' && l.capture).map((l) => l.fn({ target: el })),
      );
    },
    /** A promise rejected with `reason` and nothing handled it: `unhandledrejection` on the window. */
    unhandledRejection(reason: unknown) {
      return Promise.all(
        listeners.filter((l) => l.type === 'unhandledrejection').map((l) => l.fn({ reason })),
      );
    },
    /** A deploy: what `skewless.json` answers from now on. */
    setLive(live: string | Error | undefined) {
      options.live = live;
    },
    /** The tab goes to the background (no event: only a return to visible is listened for). */
    hide() {
      w.document.visibilityState = 'hidden';
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
