/**
 * A simulated kill, for the tests that prove an interrupted fix converges: every journal write
 * and every AWS call passes a checkpoint, and the run stops dead at the chosen one.
 */

export interface InterruptOptions {
  /** For tests: stop, as if the process were killed, once this many journal writes and AWS calls are done. */
  readonly interruptAfter?: number;
  /** For tests: when the stop falls on a journal write, write the first half of the line first (a torn write). */
  readonly tearInterruptedWrite?: boolean;
}

/** Not an AmiguardError: it stands for a killed process, which reports nothing. */
export class ApplyInterrupted extends Error {
  constructor(readonly completed: number) {
    super(`interrupted after ${completed} journal writes and AWS calls`);
    this.name = 'ApplyInterrupted';
  }
}

export class Checkpoints {
  private completed = 0;

  constructor(private readonly options: InterruptOptions) {}

  /** Called before each journal write or AWS call; `tear` does half of a journal write. */
  pass(tear?: () => void): void {
    const limit = this.options.interruptAfter;
    if (limit !== undefined && this.completed >= limit) {
      if (tear !== undefined && this.options.tearInterruptedWrite === true) tear();
      throw new ApplyInterrupted(this.completed);
    }
    this.completed += 1;
  }
}
