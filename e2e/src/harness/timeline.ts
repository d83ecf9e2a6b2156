/** One thing that happened during a scenario, on the scenario's clock. */
export interface TimelineEvent {
  /** Milliseconds since the scenario started. */
  ms: number;
  /** `deploy`: a step of the deploy (the scenario's notes); `tab`: what the browser loaded or failed to. */
  lane: 'deploy' | 'tab';
  text: string;
  failed?: boolean;
}

let active: { start: number; events: TimelineEvent[] } | undefined;

/** Start recording one scenario's events; the returned function stops and returns them. */
export function startTimeline(): () => TimelineEvent[] {
  const recording = { start: Date.now(), events: [] as TimelineEvent[] };
  active = recording;
  return () => {
    if (active === recording) active = undefined;
    return recording.events;
  };
}

/** Record an event on the running timeline; nothing when none runs (the Playwright specs). */
export function mark(lane: TimelineEvent['lane'], text: string, failed = false): void {
  active?.events.push({ ms: Date.now() - active.start, lane, text, ...(failed ? { failed } : {}) });
}

/** Notes whose every `push` is also a deploy step on the timeline, at the time it was written. */
class TimedNotes extends Array<string> {
  static override get [Symbol.species]() {
    return Array;
  }
  override push(...items: string[]): number {
    for (const item of items) mark('deploy', item);
    return super.push(...items);
  }
}

/** A scenario's notes list (see {@link TimedNotes}), starting with `first`. */
export function timedNotes(...first: string[]): string[] {
  const notes = new TimedNotes();
  notes.push(...first);
  return notes;
}
