import { sharedState } from './handler.js';
import { reloadTo } from './reload-to.js';
import type { VueRouteLike, VueRouterLike } from './types.js';

/**
 * Sends the runtime's guarded reload to the route the user was going to, for vue-router 4 and 3. Their
 * history mode changes the URL only once the route's lazy component has loaded, so the reload that a gone
 * chunk causes would land on the page the user was leaving.
 *
 * The destination is set when a navigation starts (`beforeEach`: the lazy component loads after the
 * global guards) and cleared when it ends (`afterEach`). `onError` covers a failure heard after the
 * reload went out (a build without @skewless/vite, whose prevented import resolves to undefined and then
 * fails in the router): vue-router 4 passes the target route, vue-router 3 does not, so the destination
 * from `beforeEach` stands. An error with no reload under way is the app's: the user stays, and the
 * destination is cleared. Returns a function that stops following (vue-router 4 removes its hooks; 3 has
 * no removal for `onError`, whose handler then does nothing).
 */
export function followVueRouter(router: VueRouterLike): () => void {
  if (typeof window === 'undefined') return () => {};
  const w = window;
  let on = true;
  let pending: string | undefined;
  // `resolve(fullPath).href` carries the router's base (and `#` in hash mode) in both versions.
  const href = (to: VueRouteLike) => new URL(router.resolve(to.fullPath).href, w.location.href).href;
  const start = (to: VueRouteLike) => {
    if (!on) return;
    pending = href(to);
    reloadTo(pending);
  };
  const end = () => {
    if (!on) return;
    pending = undefined;
    reloadTo(null);
  };
  // vue-router 4 reads a guard's arity: one that declares `next` must call it, one that does not may
  // return nothing. vue-router 3 always passes `next` and waits for it. `isReady` is vue-router 4's alone.
  const v4 = typeof router.isReady === 'function';
  const removers = [
    v4
      ? router.beforeEach((to) => void start(to))
      : router.beforeEach((to, _from, next) => {
          start(to);
          next?.();
        }),
    router.afterEach(end),
    router.onError((_error, to) => {
      if (!on) return;
      if (!sharedState(w).p) return end();
      if (to) pending = href(to);
      reloadTo(pending);
    }),
  ];
  return () => {
    on = false;
    for (const remove of removers) if (typeof remove === 'function') remove();
  };
}
