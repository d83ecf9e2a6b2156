import { RELEASE_META, RELOAD_EVENT, STORAGE_PREFIX, WINDOW_MS } from './constants.js';
import type { SharedState, SkewInfo } from './types.js';

/**
 * Set per bundle by scripts/guard-bundle.mjs: `true` in the variant for a framework's pages (below), `false`
 * in the general guard, whose bundle the minifier then keeps byte for byte as it was without that code.
 */
declare const __SKEWLESS_FRAMEWORK_PAGES__: boolean;

/**
 * The inline `<head>` guard. `vite:preloadError` never fires for the entry script, static imports or
 * stylesheets linked in HTML, so this catches their `error` events (they do not bubble, hence the capture
 * phase on window). Inline, so it works when the entry itself is gone.
 *
 * Not `<link rel=modulepreload>`: a preload is a hint, and the module's own load reports a real failure (a
 * static import gone fails the entry `<script type=module>`, whose graph it is in; a lazy chunk's
 * dependency fails its import, through `vite:preloadError`). A preload's `error` alone (a passing failure
 * the real load refetches past, or one on a link whose module loaded fine) must not reload a working page.
 *
 * Only the build's own files count (`assets`: base + assetsDir + `/`, as @skewless/vite renders it): a
 * same-origin stylesheet or script the app's backend serves (a `/custom.css` that answers 404, or fails while
 * the backend restarts) is no deploy, and reloading for it would reload on every visit. A prefix, not a
 * hashed-name test: the plugin names every file it emits under that folder, and a name test does not fit in
 * the byte budget below.
 *
 * Once the runtime is installed the guard hands failures to the runtime's handler (`s.f`: options, onSkew,
 * release check). Before that (or without the runtime) it applies the same guarded reload with the default
 * options: the same loop-guard key and window (decide.ts, inlined), in-flight flag, offline wait and
 * cancelable `skewless:reload` event, asked when deciding as the runtime asks; it skips the release fetch,
 * so its reason is 'load-error'.
 *
 * Self-contained: scripts/guard-bundle.mjs bundles it with what it uses of constants.ts, and it reaches
 * the page through globals. Terse on purpose: its budget is 512 bytes min+gzip with a long CDN release URL
 * (scripts/size.mjs), so the casts below stand in for `String()`/`Number()`, which storage does anyway.
 *
 * The variant for a framework's pages (renderGuard's `framework: true`, which @skewless/vite uses for the
 * pages SvelteKit, React Router and Astro write) also answers for the framework's inline loaders: an inline
 * module script whose text names the assets folder, and an unhandled rejection whose message names a module
 * under it. Plain Vite apps load their entry by `src` and keep the general guard and its budget.
 */
export function guard(url?: string, assets?: string): void {
  // STATE_KEY spelled out: terser keeps a constant used twice as a variable, and every byte counts here.
  // `self` is `window` in a page, two bytes shorter.
  // biome-ignore lint/suspicious/noAssignInExpressions: the shortest create-or-reuse, for the byte budget
  const s = ((self as unknown as { __skewless?: SharedState }).__skewless ||= {});
  // The build's own files: everything under base + assetsDir, resolved as the page resolves its links.
  const own = new URL(assets as string, document.baseURI).href;
  s.u = url;
  // Typed by hand: an element's load failure is a plain Event whose target is the element.
  const onError = ({ target: el }: { target: HTMLScriptElement & HTMLLinkElement }) => {
    // An inline module script that fails has neither: `''`, not a throw in the listener (which the page's
    // error reporting would see). A framework's inline module (React Router's `import "/assets/manifest-….js"`)
    // is the build's when its text names the assets folder (a third party's failing inline module does not,
    // and never reloads); reported as the assets folder.
    const src =
      el.src || el.href || (__SKEWLESS_FRAMEWORK_PAGES__ && el.text?.includes(assets as string) ? own : '');
    const current = document.querySelector<HTMLMetaElement>(`meta[name=${RELEASE_META}]`)?.content || '';
    const key = STORAGE_PREFIX + current;
    const offline = !navigator.onLine;
    // <script>, <link rel=stylesheet> (not modulepreload: see above); and only the build's files: a blocked
    // analytics script, a font stylesheet or a backend's own /custom.css is not skew.
    if (!/^(st|SC)/.test(el.rel || el.tagName) || !src.startsWith(own)) return;
    if (s.f) return s.f(src);
    try {
      const since = Date.now() - (sessionStorage.getItem(key) as unknown as number);
      // decide.ts, inlined; a stored value that is not a time (NaN) blocks like a recent reload (see there).
      if (s.p || !(since < 0 || since >= WINDOW_MS)) return;
      sessionStorage.setItem(key, Date.now() as unknown as string);
    } catch {
      return;
    }
    const info: SkewInfo = {
      action: offline ? 'wait' : 'reload',
      reason: offline ? 'offline' : 'load-error',
      current,
      error: src,
    };
    const reload = () => {
      // Counted again at the reload itself: an offline wait may have outlasted the window, and the page
      // after the reload must find this reload counted. A write that throws now means no reload (safe).
      sessionStorage.setItem(key, Date.now() as unknown as string);
      location.reload();
    };
    // Asked when deciding, as the runtime does. Deferred by the app: uncounted, the next failure asks again.
    if (!dispatchEvent(new CustomEvent(RELOAD_EVENT, { cancelable: true, detail: info })))
      return sessionStorage.removeItem(key);
    s.p = true;
    offline ? addEventListener('online', reload) : reload();
  };
  addEventListener('error', onError as unknown as EventListener, true);
  // A framework's inline `import()` that nothing awaits (SvelteKit's start script, an Astro island's
  // `client:visible` hydration) rejects unhandled. Chromium and Firefox name the module's URL in the message
  // (Safari does not: not covered there); only a module under the build's folder counts, as a failed script.
  if (__SKEWLESS_FRAMEWORK_PAGES__)
    addEventListener('unhandledrejection', ({ reason }) => {
      const message = String(reason?.message);
      const at = message.indexOf(own);
      if (at >= 0 && /module/.test(message))
        onError({
          target: { tagName: 'SCRIPT', src: message.slice(at) } as HTMLScriptElement & HTMLLinkElement,
        });
    });
}
