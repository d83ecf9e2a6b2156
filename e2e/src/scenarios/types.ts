import type { Browser } from '@playwright/test';
import type { Builds } from '../harness/builds.js';
import type { TimelineEvent } from '../harness/timeline.js';
import type { UserSees } from '../harness/visitor.js';

/** What a scenario is set up to show. */
export type Expectation =
  /** The unprotected setup: the failure must reproduce. */
  | 'breaks'
  /** The runtime alone: one guarded reload, then the user is on the new release. */
  | 'recovers'
  /** Skewless in place: nothing fails, nothing reloads. */
  | 'clean';

/** The measured outcome of one scenario run. */
export interface ScenarioResult {
  /** Short id, e.g. `1-control`. */
  id: string;
  title: string;
  expectation: Expectation;
  /** Requests the browser saw fail (status ≥ 400 or a network error). */
  failedRequests: number;
  /** Route opens that did not render (error view, blank page, or never settled). */
  failedNavigations: number;
  /** Page loads nobody asked for (a guard's reload). */
  reloads: number;
  /** Asset responses whose bytes belong to another release than the URL asked for. */
  wrongBytes: number;
  /** What the user sees at the end. */
  userSees: UserSees;
  /** The failed requests, for the report. */
  failures: string[];
  /** What happened, step by step, for the report. */
  notes: string[];
  /** The deploy steps and the tab's requests on one time axis (the demo records it; specs do not). */
  timeline?: TimelineEvent[];
  screenshot?: Buffer;
}

/** What every scenario is given: a browser and this run's playground builds. */
export interface ScenarioContext {
  browser: Browser;
  builds: Builds;
}

export type Scenario = (context: ScenarioContext) => Promise<ScenarioResult>;
