import { cached404, noStoreErrors } from './cached-404.js';
import { complete } from './complete.js';
import { control } from './control.js';
import { htmlRevalidate } from './html-revalidate.js';
import { htmlFirst, skewlessOrder } from './publish-order.js';
import { hashedNames, queryString } from './query-string.js';
import { retention } from './retention.js';
import { rollbackScenario } from './rollback.js';
import { runtimeOnly } from './runtime-only.js';
import type { Scenario } from './types.js';

/** Every scenario, in the order the README table lists them; the demo runs them all. */
export const scenarios: ReadonlyArray<{ id: string; run: Scenario }> = [
  { id: '1-control', run: control },
  { id: '2-runtime-only', run: runtimeOnly },
  { id: '3-complete', run: complete },
  { id: '4a-query-string', run: queryString },
  { id: '4b-hashed-names', run: hashedNames },
  { id: '5a-cached-404', run: cached404 },
  { id: '5b-no-store-errors', run: noStoreErrors },
  { id: '6a-html-first', run: htmlFirst },
  { id: '6b-skewless-order', run: skewlessOrder },
  { id: '7-retention', run: retention },
  { id: '8-rollback', run: rollbackScenario },
  { id: '9-html-revalidate', run: htmlRevalidate },
];
