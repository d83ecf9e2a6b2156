/** A route module renders itself into the view element. */
export interface RouteModule {
  render(view: HTMLElement): void;
}

// Each route is its own lazy chunk (with its own CSS), the shape whose chunks go missing after a deploy.
const routes: Record<string, () => Promise<RouteModule>> = {
  '/': () => import('./routes/home'),
  '/about': () => import('./routes/about'),
  '/gallery': () => import('./routes/gallery'),
  '/news': () => import('./routes/news'),
};

let current = 0;

async function show(view: HTMLElement, path: string): Promise<void> {
  const load = routes[path] ?? routes['/'];
  if (!load) return;
  const ticket = ++current;
  view.dataset.route = path;
  view.dataset.state = 'loading';
  let mod: RouteModule | undefined;
  try {
    mod = await load();
  } catch (error) {
    if (ticket !== current) return;
    view.dataset.state = 'error';
    view.textContent = `This page failed to load (${(error as Error).message}). Reload the page to try again.`;
    return;
  }
  if (ticket !== current) return;
  // When a guard cancels vite:preloadError the import resolves to undefined and a reload is under
  // way: render nothing rather than run on with a missing module.
  if (!mod) {
    view.dataset.state = 'recovering';
    return;
  }
  view.replaceChildren();
  mod.render(view);
  view.dataset.state = 'ready';
}

/** Client-side routing over the history API: links with `data-link` navigate without a page load. */
export function startRouter(view: HTMLElement): void {
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[data-link]');
    if (!(link instanceof HTMLAnchorElement)) return;
    event.preventDefault();
    if (link.pathname !== location.pathname) history.pushState(null, '', link.pathname);
    void show(view, link.pathname);
  });
  window.addEventListener('popstate', () => void show(view, location.pathname));
  void show(view, location.pathname);
}
