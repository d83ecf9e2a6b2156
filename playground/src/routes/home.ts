import './home.css';

export function render(view: HTMLElement): void {
  const p = document.createElement('p');
  p.className = 'home';
  p.textContent = 'Welcome. Open About or Gallery: each is a lazily loaded chunk with its own CSS.';
  view.append(p);
}
