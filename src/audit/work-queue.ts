/**
 * Bounded concurrency without a promise per queued item: a fixed set of workers drains a queue
 * that the producer fills as pages arrive. Items are small records (an id), so 100,000 of them
 * waiting cost little.
 */
export class WorkQueue<T> {
  private items: T[] = [];
  private head = 0;
  private closed = false;
  private readonly idle: (() => void)[] = [];
  private readonly finished: Promise<void>;

  /** `handle` must not throw: it records its own failures. */
  constructor(concurrency: number, handle: (item: T) => Promise<void>) {
    if (!(concurrency >= 1)) throw new RangeError('a work queue needs at least one worker');
    this.finished = Promise.all(Array.from({ length: concurrency }, () => this.work(handle))).then(() => undefined);
  }

  push(item: T): void {
    this.items.push(item);
    this.idle.pop()?.();
  }

  /** No more items will come from the producer (handlers may still push); resolves when all are handled. */
  close(): Promise<void> {
    this.closed = true;
    for (const wake of this.idle.splice(0)) wake();
    return this.finished;
  }

  private async work(handle: (item: T) => Promise<void>): Promise<void> {
    for (;;) {
      const item = this.take();
      if (item !== undefined) {
        await handle(item.value);
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
  }

  private take(): { value: T } | undefined {
    if (this.head >= this.items.length) return undefined;
    const value = this.items[this.head] as T;
    this.head += 1;
    // Drop handled items now and then, so that a long queue does not hold them all.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return { value };
  }
}

/** Runs at most `max` tasks at once; the others wait their turn in call order. */
export function concurrencyLimit(max: number): <R>(task: () => Promise<R>) => Promise<R> {
  if (!(max >= 1)) throw new RangeError('a concurrency limit needs at least 1');
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      // A waiting task takes over the slot; otherwise it frees up.
      if (next === undefined) active -= 1;
      else next();
    }
  };
}
