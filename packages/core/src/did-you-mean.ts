/**
 * The known name closest to a misspelt one (`publicSourcemaps` → `publicSourceMaps`, `htlm` → `html`),
 * or undefined when none is close enough to be a likely typo.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  // Two edits catch swapped or dropped letters; more would suggest unrelated names for short keys.
  return best && best.distance <= Math.min(2, Math.floor(name.length / 2)) ? best.name : undefined;
}

/** `unknown option 'x'` with a suggestion when one is close; `name` writes an option's name as the caller shows it. */
export function unknownOptionProblem(
  key: string,
  known: Iterable<string>,
  name: (key: string) => string = (k) => `'${k}'`,
): string {
  const suggestion = closestName(key, known);
  return suggestion
    ? `unknown option ${name(key)}. Did you mean ${name(suggestion)}?`
    : `unknown option ${name(key)}. Remove it or check its spelling.`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
