/** Why the runtime acted. */
export type SkewReason =
  /** The live release differs from the page's: the page is out of date. */
  | 'new-release'
  /** The live release is the page's own (or unknown): the asset is really gone, or a transient failure. */
  | 'same-release'
  /**
   * An asset failed and the live release is not checked (yet), so new and same release are not told apart.
   * The `skewless:reload` event carries it: the app is asked at once, while Vite waits for the answer; the
   * reload follows at once too, and the page after it fetches the release file and calls `onSkew` with
   * `new-release` or `same-release`. Also the inline guard's reason for the entry script, a static import or
   * an HTML-linked stylesheet failing before the runtime was installed: it skips the release fetch and the
   * report (size).
   */
  | 'load-error'
  /** The browser was offline; it reloads once it is back online. */
  | 'offline'
  /**
   * A reload for this release already happened within the window (or its stored time is unreadable): the
   * error is left to the app.
   */
  | 'loop-guard'
  /** sessionStorage is unusable, so a reload could not be counted: never reload blindly. */
  | 'no-storage';

/** What the runtime does about a failure. */
export type SkewAction =
  /**
   * It reloads the page now. `onSkew` hears of it on the page after the reload, once the live release is
   * known; the `skewless:reload` event, before it.
   */
  | 'reload'
  /** It waits for the `online` event, then reloads. */
  | 'wait'
  /** It does nothing: the error reaches the app. */
  | 'surface'
  /**
   * A `skewless:reload` listener called `preventDefault()`: no reload, nothing counted, and the error reaches
   * the app (`vite:preloadError` is not prevented, so the failed import rejects).
   */
  | 'cancelled';

/** What `onSkew` and the `skewless:reload` event's `detail` receive. */
export interface SkewInfo {
  /** What the runtime does. */
  action: SkewAction;
  /** Why. */
  reason: SkewReason;
  /**
   * The page's release id (from the meta tag or `currentRelease`); `''` when unknown. For a reload, reported
   * after it: the release of the page that reloaded, not of the page reporting it.
   */
  current: string;
  /**
   * The live release id fetched from the release file (after a reload, by the page after it); `undefined`
   * when not fetched or unreadable.
   */
  live?: string | undefined;
  /**
   * What failed: the `vite:preloadError` payload, or the URL of a script or stylesheet. For a reload,
   * reported after it, that as a string (`String(error)`): an Error object does not survive the reload.
   */
  error?: unknown;
}

/** Options of {@link install}. */
export interface InstallOptions {
  /**
   * URL of the live release file (`{"release": "<id>"}`), fetched with `cache: 'no-store'`.
   * Relative URLs resolve against `document.baseURI`.
   * @default the inline guard's `releaseUrl` if the guard is on the page, else `'skewless.json'`
   */
  releaseUrl?: string;
  /**
   * The page's release id.
   * @default the `content` of `<meta name="skewless-release">`, else `''`
   */
  currentRelease?: string;
  /**
   * The loop guard's window: at most one reload per release per tab within it.
   * @default 30000
   */
  windowMs?: number;
  /**
   * sessionStorage key prefix of the loop guard. The inline guard uses the default, so change it only
   * together with the guard.
   * @default 'skewless:'
   */
  storageKeyPrefix?: string;
  /**
   * Called for every decision, for telemetry: wait, surface and cancelled at once; a reload by the page
   * after it (its first `install()` of the entry's first run), once it has fetched the release file, with
   * the reason `new-release` or `same-release` (`offline` for a reload that waited for `online`). To defer
   * a reload, call `preventDefault()` on the `skewless:reload` event instead: it is dispatched
   * synchronously, before the failure is prevented, so a cancelled reload leaves the error to the app. It
   * should not throw: a throw ends the `vite:preloadError` listener it runs in (nothing is prevented then).
   * @default undefined
   */
  onSkew?: (info: SkewInfo) => void;
}

/** Options of `renderGuard`. */
export interface GuardOptions {
  /**
   * CSP nonce put on the inline `<script>`. A nonce must change with every response, so pass a placeholder
   * that the server replaces per response (the one in Vite's `html.cspNonce`, say), not a fixed string;
   * for a CSP without nonces, serve the guard as a file instead (`@skewless/vite`'s `mode: 'external'`).
   * @default undefined (no nonce attribute)
   */
  nonce?: string;
  /**
   * URL of the live release file; the runtime uses it too unless given its own `releaseUrl`.
   * Give the build's base, e.g. `'/app/skewless.json'`, so it resolves right under a client-side router.
   * @default 'skewless.json', relative to `document.baseURI`
   */
  releaseUrl?: string;
  /**
   * The folder of the build's own files, e.g. `'/app/assets/'` (base + `assetsDir` + `/`); relative URLs
   * resolve against `document.baseURI`, as the page's links do. The guard reacts only to failed scripts and
   * stylesheets whose URL starts with it: a backend's own `/custom.css` that answers 404 is the app's
   * business, not a deploy, and must not reload the page.
   * @default the folder of `releaseUrl`, else `'/'` (any file of the page's origin)
   */
  assetsUrl?: string;
  /**
   * Render the variant for pages a framework writes (SvelteKit, React Router framework mode, Astro), whose
   * entry is loaded by an inline script rather than a `<script src>`: it also answers for an inline module
   * script whose text names `assetsUrl` (React Router's static imports) and for an unhandled rejection whose
   * message names a module under it (SvelteKit's inline `import()`, an Astro island's `client:visible`
   * hydration; Chromium and Firefox name the URL, Safari does not). About 100 bytes more min+gzip
   * (`pnpm --filter @skewless/runtime size`); same loop guard, key and window.
   * @default false
   */
  framework?: boolean;
}

/** The `window[STATE_KEY]` object shared by the inline guard and the runtime. */
export interface SharedState {
  /** The runtime's options, replaced by each `install`. */
  o?: InstallOptions;
  /** The inline guard's release URL. */
  u?: string | undefined;
  /** A reload is under way (or waiting for `online`): further failures join it. */
  p?: boolean;
  /** The runtime's failure handler, once installed: the guard hands failures to it. */
  f?: (error?: unknown) => boolean;
  /**
   * `retryImports()`'s hook, asked first by the runtime's `vite:preloadError` listener: true when it took
   * the failure to retry it (and prevented the event).
   */
  r?: (event: Event) => boolean;
  /**
   * When the page was last restored from the back-forward cache: reloads counted before it do not count
   * (the runtime's loop guard; the inline guard, which hands failures to the runtime, does not read it).
   */
  t?: number;
  /**
   * `reloadTo()`'s navigation (`@skewless/runtime/reload-to`), run by the handler instead of
   * `location.reload()`: it loads the destination the app gave, on the page's own origin, or reloads.
   */
  l?: () => void;
}

/** Options of `watchRelease` (`@skewless/runtime/watch`), the optional proactive check. */
export interface WatchOptions {
  /**
   * Check the live release each time the tab becomes visible again.
   * @default true
   */
  onVisible?: boolean;
  /**
   * Also check every this many milliseconds while the tab is visible; 0 turns the interval off.
   * @default 0
   */
  intervalMs?: number;
  /**
   * Called once, when a newer live release is first seen (e.g. to show "a new version is available").
   * @default undefined
   */
  onNewRelease?: (info: { current: string; live: string }) => void;
}

/**
 * `vite:preloadError` as a preload helper that offers a retry dispatches it: the contract between the
 * build (`@skewless/vite`'s rewrite of Vite's preload helper) and `retryImports()` from
 * `@skewless/runtime/retry`.
 */
export interface PreloadErrorEvent extends Event {
  /** What failed, as Vite sets it: the `import()` rejection, or `Unable to preload CSS for <url>`. */
  payload?: unknown;
  /**
   * Set by the helper before dispatching, for a failed dynamic import only (not a CSS preload): runs the
   * same `import()` again. Absent: nothing to retry, the runtime reloads.
   * @default undefined
   */
  skewlessRetry?: () => Promise<unknown>;
  /**
   * Set by `retryImports()` when it took the failure (and prevented the event): the helper returns it
   * instead of its never-settling promise, so the app's `import()` settles with the retry.
   * @default undefined
   */
  skewlessResult?: Promise<unknown>;
}

/** What `followVueRouter` reads of a route: vue-router 3's `Route`, vue-router 4's route location. */
export interface VueRouteLike {
  /** The path with query and hash, without the router's base. */
  fullPath: string;
}

/**
 * What `followVueRouter` (`@skewless/runtime/vue-router`) uses of a vue-router 4 or 3 router; typed here so
 * the runtime depends on neither.
 */
export interface VueRouterLike {
  /** vue-router 4 returns a remover; 3 returns one too (3.5 and later). */
  beforeEach(guard: (to: VueRouteLike, from: VueRouteLike, next?: () => void) => unknown): unknown;
  afterEach(hook: () => void): unknown;
  /** vue-router 4 passes the target route as the second argument; vue-router 3 passes none. */
  onError(handler: (error: unknown, to?: VueRouteLike) => void): unknown;
  /** Both versions give `href` with the router's base (and `#` in hash mode). */
  resolve(to: string): { href: string };
  /** vue-router 4 only (vue-router 3 has `onReady`): tells the guard styles apart. */
  isReady?: unknown;
}

/** What `followReactRouter` (`@skewless/runtime/react-router`) uses of a React Router data router. */
export interface ReactRouterLike {
  /** Called synchronously on every state change; returns the unsubscribe function. */
  subscribe(fn: (state: { navigation: { location?: ReactRouterPath | undefined } }) => void): () => void;
  /** The href of a location, with the router's basename. */
  createHref(location: ReactRouterPath): string;
}

/** A React Router location: what `createHref` takes. */
export interface ReactRouterPath {
  pathname: string;
  search: string;
  hash: string;
}

/** What `onUpdate` and the `skewless:update` event's `detail` receive. */
export interface UpdateInfo {
  /** The page's release id. */
  current: string;
  /** The live release id the release file names, which differs from `current`. */
  live: string;
}

/** Options of `watchUpdates` (`@skewless/runtime/update`), the "new version available" signal. */
export interface UpdateOptions {
  /**
   * How often the tabs of the origin, together, look at the release file while one of them is visible;
   * below 30000 it is raised to 30000; 0 turns the interval off (visibility and failed loads still check).
   * @default 300000 (5 minutes)
   */
  intervalMs?: number;
  /**
   * Called once per new live release id, in every tab of the origin that watches (show a toast, or reload
   * at the next route change). The `skewless:update` event on `window` carries the same info.
   * @default undefined
   */
  onUpdate?: (info: UpdateInfo) => void;
}
