import { describe, expect, it } from 'vitest';
import { isChunkLoadError } from '../src/chunk-error.js';

describe('isChunkLoadError', () => {
  it.each([
    [
      'Chromium, 404 or network',
      new TypeError('Failed to fetch dynamically imported module: https://a.b/assets/x-1.js'),
    ],
    ['Firefox', new TypeError('error loading dynamically imported module: https://a.b/assets/x-1.js')],
    ['Safari', new TypeError('Importing a module script failed.')],
    ['Safari, SPA fallback (text/html)', new TypeError("'text/html' is not a valid JavaScript MIME type.")],
    [
      'Chromium, SPA fallback as logged',
      'Failed to load module script: Expected a JavaScript-or-Wasm module script but the server responded with a MIME type of "text/html".',
    ],
    ['Vite CSS preload', new Error('Unable to preload CSS for /assets/x-1.css')],
    ['a URL string from the inline guard is no message', 'Failed to fetch dynamically imported module: x'],
  ])('%s: a chunk that could not be fetched', (_name, error) => {
    expect(isChunkLoadError(error)).toBe(true);
  });

  it.each([
    ['a module that threw while it ran', new ReferenceError('process is not defined')],
    ['an app error', new Error('Cannot read properties of undefined')],
    ['nothing', undefined],
    ['a plain object', { code: 42 }],
  ])('%s: not a chunk load failure', (_name, error) => {
    expect(isChunkLoadError(error)).toBe(false);
  });
});
