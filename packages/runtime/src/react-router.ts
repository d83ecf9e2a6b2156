import { reloadTo } from './reload-to.js';
import type { ReactRouterLike } from './types.js';

/**
 * Sends the runtime's guarded reload to the location a React Router data router (`createBrowserRouter`,
 * `createHashRouter`) is navigating to. The router commits the URL only once the route's `lazy()` module
 * and loaders are in, so the reload that a gone chunk causes would land on the page the user was leaving.
 *
 * `router.subscribe` hears every state change, synchronously: the router starts a lazy route's import and
 * then, in the same task, sets `state.navigation` to `loading` with its `location`, so the destination is
 * set before the import can fail. It is cleared when the navigation is idle again. `router.createHref`
 * adds the router's basename (and `#` for a hash router). Both are marked private in React Router's types
 * (RouterProvider is built on them); the public `useNavigation()` hook hears of a navigation only when React
 * renders it, which may come after a fast failure. Returns the unsubscribe function.
 */
export function followReactRouter(router: ReactRouterLike): () => void {
  if (typeof window === 'undefined') return () => {};
  const w = window;
  return router.subscribe((state) => {
    const to = state.navigation.location;
    reloadTo(to ? new URL(router.createHref(to), w.location.href) : null);
  });
}
