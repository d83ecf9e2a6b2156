import './about.css';

// The route whose code changes between releases: its chunk name changes, so an open v1 page asks
// for a file that a v2-only server no longer has.
export function render(view: HTMLElement): void {
  const p = document.createElement('p');
  p.className = 'about';
  p.dataset.chunkVersion = __PLAYGROUND_VERSION__;
  p.textContent =
    __PLAYGROUND_VERSION__ === '1'
      ? 'About, release 1: a small SPA with lazily loaded routes.'
      : `About, release ${__PLAYGROUND_VERSION__}: now with hashed names on every file.`;
  view.append(p);
}
