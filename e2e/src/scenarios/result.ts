import type { Visitor } from '../harness/visitor.js';
import type { Expectation, ScenarioResult } from './types.js';

/** Collect a visitor's counters into a result. */
export async function resultOf(
  visitor: Visitor,
  base: { id: string; title: string; expectation: Expectation },
  measured: {
    failedNavigations: number;
    wrongBytes?: number;
    /** Reloads of other visitors of the same scenario, added to this visitor's. */
    otherReloads?: number;
    notes: string[];
  },
): Promise<ScenarioResult> {
  return {
    ...base,
    failedRequests: visitor.failedRequests.length,
    failedNavigations: measured.failedNavigations,
    reloads: visitor.reloads() + (measured.otherReloads ?? 0),
    wrongBytes: measured.wrongBytes ?? 0,
    userSees: await visitor.sees(),
    failures: [...visitor.failedRequests],
    notes: measured.notes,
    screenshot: await visitor.screenshot(),
  };
}

/** Whether the measured counts show what the scenario is set up to show. */
export function verdict(result: ScenarioResult): { ok: boolean; text: string } {
  const failed = result.failedRequests + result.failedNavigations + result.wrongBytes;
  switch (result.expectation) {
    case 'breaks':
      return failed > 0
        ? { ok: true, text: 'failure reproduced' }
        : { ok: false, text: 'expected a failure, saw none' };
    case 'recovers':
      return result.reloads === 1 && result.failedNavigations === 0 && result.userSees.state === 'ready'
        ? { ok: true, text: 'recovered with one reload' }
        : { ok: false, text: 'did not recover with exactly one reload' };
    case 'clean':
      return failed === 0 && result.reloads === 0
        ? { ok: true, text: 'no failure, no reload' }
        : { ok: false, text: 'Skewless did not prevent the failure' };
  }
}
