// Self-contained (no imports): scripts/guard-bundle.mjs bundles what the inline guard uses of this file.

/**
 * The meta tag that carries the page's release id: `<meta name="skewless-release" content="<id>">`.
 * Same string as RELEASE_META in packages/core/src/constants.ts (the runtime imports nothing); packages/core/test/contracts.test.ts ties the two.
 */
export const RELEASE_META = 'skewless-release';

/**
 * The live release file, `{"release": "<id>"}`, at the build root.
 * Same string as RELEASE_FILE in packages/core/src/constants.ts.
 */
export const RELEASE_FILE = 'skewless.json';

/**
 * The cancelable event dispatched on `window` when a reload (or a wait for `online`, then a reload) is
 * decided, synchronously and before `vite:preloadError` is prevented; `detail` is the {@link SkewInfo} as
 * it stands then (reason `load-error` or `offline`: the release fetch comes after). `preventDefault()`
 * means no reload, and the error reaches the app.
 */
export const RELOAD_EVENT = 'skewless:reload';

/** sessionStorage key prefix of the loop guard; the page's release id is appended. */
export const STORAGE_PREFIX = 'skewless:';

/** How long one reload per release blocks the next one, in milliseconds. */
export const WINDOW_MS = 30_000;

/**
 * The `window` property the inline guard and the runtime share: options, the guard's release URL and the
 * in-flight flag, so a failure seen by both (a lazy chunk's CSS link) leads to one reload, not two.
 */
export const STATE_KEY = '__skewless';

/**
 * The sessionStorage key of a reload's {@link SkewInfo}, which the page after it completes with the live
 * release and reports (report.ts). One key for every prefix: the page after a reload is the same app, and
 * the first install() there takes the report. A release id starts with a letter or digit (SAFE_RELEASE in
 * packages/uploader/src/manifest-names.ts), so it never meets a loop-guard key of the default prefix.
 */
export const REPORT_KEY = 'skewless:#reload';
