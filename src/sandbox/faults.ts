import { Random } from './random.js';

/**
 * Failures to inject, for reliability tests: each share is the probability (0..1) that a request
 * meets that failure before it is processed (so it changes nothing). Shares add up to at most 1.
 */
export interface FaultOptions {
  /** Refused as throttled (EC2 RequestLimitExceeded, HTTP 503) whatever the token buckets hold. */
  readonly throttle?: number;
  /** HTTP 500 InternalError. */
  readonly internalError?: number;
  /** HTTP 503 Unavailable. */
  readonly unavailable?: number;
  /** The connection is destroyed before any response. */
  readonly drop?: number;
  /** Added to every request of the faulted services: a fixed delay or a [min, max] range, in ms. */
  readonly latencyMs?: number | readonly [number, number];
  /** Only these actions (e.g. `DescribeImageAttribute`); all actions when absent. */
  readonly actions?: readonly string[];
  /** The services that get faults; EC2 only when absent. */
  readonly services?: readonly SandboxService[];
}

export type SandboxService = 'ec2' | 'sts' | 'organizations';

export type Fault = 'throttle' | 'internalError' | 'unavailable' | 'drop';

export class FaultInjector {
  private readonly options: FaultOptions;
  private readonly random: Random;

  constructor(options: FaultOptions, seed: number) {
    const shares = [options.throttle, options.internalError, options.unavailable, options.drop].map((share) => share ?? 0);
    if (shares.some((share) => !(share >= 0 && share <= 1)) || shares.reduce((a, b) => a + b, 0) > 1) {
      throw new RangeError('fault shares must each be between 0 and 1 and add up to at most 1');
    }
    const latency = options.latencyMs;
    if (latency !== undefined && (typeof latency === 'number' ? latency < 0 : latency[0] < 0 || latency[1] < latency[0])) {
      throw new RangeError('latencyMs must be a non-negative number or a [min, max] range');
    }
    this.options = options;
    this.random = new Random(seed);
  }

  applies(service: SandboxService, action: string): boolean {
    const services = this.options.services ?? ['ec2'];
    return services.includes(service) && (this.options.actions === undefined || this.options.actions.includes(action));
  }

  /** Milliseconds to wait before answering. */
  latency(): number {
    const latency = this.options.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    return latency[0] + this.random.next() * (latency[1] - latency[0]);
  }

  /** One draw: which fault, if any, this request meets. */
  draw(): Fault | undefined {
    let roll = this.random.next();
    for (const fault of ['drop', 'internalError', 'unavailable', 'throttle'] as const) {
      const share = this.options[fault] ?? 0;
      if (roll < share) return fault;
      roll -= share;
    }
    return undefined;
  }
}
