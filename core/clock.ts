/** The present as ms since the epoch; injected so staleness, rate limits, schedules and polling are tested without sleeping. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const SYSTEM_CLOCK: Clock = Object.freeze({ now: () => Date.now() });
