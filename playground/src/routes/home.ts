import './home.css';

export function render(view: HTMLElement): void {
  const p = document.createElement('p');
  p.className = 'home';
  p.textContent = 'Welcome. Open About, Gallery or News: each is a lazily loaded chunk with its own CSS.';
  view.append(p);
}
