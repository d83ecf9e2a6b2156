/** Suggest a hashed form of a name pattern that has none: `[name].js` → `[name]-[hash:8].js`. */
export function hashedSuggestion(pattern: string, length: number): string {
  const hash = `-[hash:${length}]`;
  if (pattern.includes('[extname]')) return pattern.replace('[extname]', `${hash}[extname]`);
  if (pattern.includes('[ext]')) return pattern.replace(/\.?\[ext\]/, `${hash}.[ext]`);
  const dot = pattern.lastIndexOf('.');
  return dot > pattern.lastIndexOf('/')
    ? `${pattern.slice(0, dot)}${hash}${pattern.slice(dot)}`
    : pattern + hash;
}

/** The build error for a name option whose pattern drops `[hash]`. */
export function noHashMessage(option: string, pattern: string, files: string[], length: number): string {
  const shown = files.slice(0, 3).map((f) => `'${f}'`);
  if (files.length > 3) shown.push(`and ${files.length - 3} more`);
  return `[skewless] output.${option} '${pattern}' has no [hash], so ${shown.join(', ')} would keep the same name across releases and caches would serve stale bytes. Use '${hashedSuggestion(pattern, length)}', or list the file in the 'unhashed' option.`;
}

/** The warning for hashed names the generated CDN rules would not recognise (`[name].[hash].js`). */
export function offShapeMessage(files: string[], length: number): string {
  const shown = files.slice(0, 3).map((f) => `'${f}'`);
  if (files.length > 3) shown.push(`and ${files.length - 3} more`);
  return `[skewless] ${shown.join(', ')} carry a hash but not in the '-<hash>.' form that 'skewless cdn-config' rules cache for a year, so a CDN configured from them revalidates these files. Name them like '[name]-[hash:${length}].js'.`;
}

/**
 * The warning for a `guard.nonce` next to a different Vite `html.cspNonce`: Vite leaves a tag that has a
 * nonce alone, so the guard would carry the one the page's CSP header is not built for.
 */
export function cspNonceConflictMessage(guardNonce: string, cspNonce: string): string {
  return `[skewless] guard.nonce '${guardNonce}' differs from Vite's html.cspNonce '${cspNonce}', which Vite puts on every other script and link tag; a CSP that allows those blocks the guard. Remove guard.nonce: the guard then gets html.cspNonce too.`;
}
