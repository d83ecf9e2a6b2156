import { RELEASE_PLACEHOLDER } from '@skewless/core';
import type { BundleEntry } from './bundle-facts.js';

const HTML = /\.html?$/i;

/** An HTML asset's text, whether the bundler holds it as a string or as bytes. */
export function textOf(entry: BundleEntry): string {
  const { source } = entry;
  return typeof source === 'string' ? source : new TextDecoder().decode(source ?? new Uint8Array());
}

/** The bundle's HTML files that still hold the release placeholder (`releaseMetaTag`). */
export function unstampedHtml(entries: readonly BundleEntry[]): BundleEntry[] {
  return entries.filter(
    (e) => e.type === 'asset' && HTML.test(e.fileName) && textOf(e).includes(RELEASE_PLACEHOLDER),
  );
}

/**
 * Write the release id into HTML assets in the bundle itself: the bundler writes the final bytes, and a
 * later generateBundle hook, a writeBundle or closeBundle reading the file (vite-plugin-pwa's precache
 * revisions, SRI, precompression) sees the HTML that ships. Bytes stay bytes, text stays text.
 */
export function stampHtml(entries: readonly BundleEntry[], release: string): void {
  for (const entry of entries) setText(entry, textOf(entry).replaceAll(RELEASE_PLACEHOLDER, release));
}

/** Replace an HTML asset's text in the bundle; bytes stay bytes, text stays text. */
export function setText(entry: BundleEntry, text: string): void {
  entry.source = typeof entry.source === 'string' ? text : new TextEncoder().encode(text);
}
