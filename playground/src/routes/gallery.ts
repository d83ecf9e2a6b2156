import skew from '../images/skew.svg';
import './gallery.css';

export function render(view: HTMLElement): void {
  const img = document.createElement('img');
  img.className = 'gallery';
  img.src = skew;
  img.alt = 'A chart going up and down';
  img.width = 160;
  img.height = 80;
  view.append(img);
}
