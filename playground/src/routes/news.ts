// A second route whose code changes with every release (like About): a tab can open one of them while
// its release is still stored and the other after it was pruned, so each step asks for a chunk of its own.
export function render(view: HTMLElement): void {
  const p = document.createElement('p');
  p.className = 'news';
  p.dataset.chunkVersion = __PLAYGROUND_VERSION__;
  p.textContent = `News of release ${__PLAYGROUND_VERSION__}.`;
  view.append(p);
}
