import { sharedState } from './handler.js';

/** The page's destination, as an absolute URL; undefined: the reload stays on the current URL. */
let destination: string | undefined;
/** Where this page's guarded reload went, once it went (the runtime ran `s.l`). */
let landed: string | undefined;

/**
 * Loads `url` in place of the page: a real load, never a same-document navigation. A URL that differs from
 * the current one only in its fragment would be a same-document navigation for `location.assign`, so the
 * current entry takes it and the page reloads; any other is a new history entry, as the router's own
 * navigation would have been, so Back returns to the page the user left.
 */
function go(w: Window, url: string | undefined): void {
  const here = w.location.href;
  landed = url || here;
  if (url && url !== here && url.split('#')[0] !== here.split('#')[0]) return void w.location.assign(url);
  // A null state: the router's state of the page being left must not describe the destination.
  if (url && url !== here) w.history.replaceState(null, '', url);
  w.location.reload();
}

/**
 * Makes the runtime's next guarded reload load `url` instead of the current URL: where the user was going.
 * A history-mode router changes the URL only once the route's chunk has loaded, so a plain reload lands on
 * the page the user was leaving; an app (or a router adapter) calls this with the destination when a
 * navigation starts, and with `null` when it ends, so the reload goes there with the same loop guard
 * (install(): one reload per release per window, `skewless:reload`, `onSkew`).
 *
 * `url` resolves against `document.baseURI`, as a link's would. Only an http(s) URL on the page's own
 * origin is taken: anything else clears the destination (the reload stays on the current URL) and returns
 * false. Called while a reload is already under way (a router that hears of the failure only after the
 * runtime reloaded), it sends that reload to the new destination at once. Does nothing outside a browser.
 */
export function reloadTo(url?: string | URL | null): boolean {
  if (typeof window === 'undefined') return false;
  const w = window;
  const s = sharedState(w);
  let next: URL | undefined;
  try {
    if (url != null) next = new URL(url, w.document.baseURI);
  } catch {}
  const ok = !!next && /^https?:$/.test(next.protocol) && next.origin === w.location.origin;
  destination = ok ? next?.href : undefined;
  s.l = () => go(w, destination);
  // The reload went out already, elsewhere: follow it with the destination. `s.p` is false again after a
  // back-forward cache restore, whose reload was abandoned.
  if (landed !== undefined && s.p && destination && destination !== landed) go(w, destination);
  if (!s.p) landed = undefined;
  return ok || url == null;
}
