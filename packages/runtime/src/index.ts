// @skewless/runtime: guarded reload on chunk-load failures.
// `import '@skewless/runtime'` installs with defaults; a later install({ … }) replaces this one. The call
// lives here because package.json lists only this file under `sideEffects`: bundlers drop any other.
import { install } from './install.js';

install();

export * from './core.js';
