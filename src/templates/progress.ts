/** How far a lint run has read: template files read, of those it will read. */
export interface ReadProgress {
  readonly read: number;
  readonly total: number;
}

/** A progress display needs no more than this: each report costs a terminal write. */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * Whether a report is due: true at most once per `intervalMs` of `clock` (injectable for tests),
 * the first time included.
 */
export function progressGate(intervalMs: number = PROGRESS_INTERVAL_MS, clock: () => number = () => performance.now()): () => boolean {
  let last: number | undefined;
  return () => {
    const now = clock();
    if (last !== undefined && now - last < intervalMs) return false;
    last = now;
    return true;
  };
}
