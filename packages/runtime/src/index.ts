// @skewless/runtime (issue 5): guarded reload on chunk-load failures. Importing it installs with defaults.
import './auto.js';

export * from './core.js';
