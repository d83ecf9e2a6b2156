// The entry a user writes: Skewless's runtime first, so it is listening before any lazy route loads.
import '@skewless/runtime';
import './style.css';
import { startRouter } from './router';

const label = document.getElementById('version');
if (label) {
  label.textContent = `v${__PLAYGROUND_VERSION__}`;
  label.dataset.version = __PLAYGROUND_VERSION__;
}
const view = document.getElementById('view');
if (view) startRouter(view);
