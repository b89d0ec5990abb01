/**
 * EC2's request throttling: a token bucket per account, region, action and action class, sized
 * as in AWS-FACTS.md (from https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html).
 * A request takes one token; a request that finds the bucket empty is refused with
 * RequestLimitExceeded and takes nothing.
 */
export type ThrottleClass =
  | 'non-mutating'
  | 'unfiltered-non-mutating'
  | 'modify-attribute'
  | 'mutating'
  | 'block-public-access';

export const THROTTLE_LIMITS: Readonly<Record<ThrottleClass, { readonly capacity: number; readonly refillPerSecond: number }>> = {
  'non-mutating': { capacity: 100, refillPerSecond: 20 },
  'unfiltered-non-mutating': { capacity: 50, refillPerSecond: 10 },
  'modify-attribute': { capacity: 100, refillPerSecond: 5 },
  mutating: { capacity: 50, refillPerSecond: 5 },
  'block-public-access': { capacity: 1, refillPerSecond: 0.1 },
};

interface Bucket {
  tokens: number;
  updated: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly speed: number;
  private readonly clock: () => number;

  /** `speed` multiplies every refill rate; `Infinity` turns throttling off. `clock` is in ms. */
  constructor(speed: number, clock: () => number = () => performance.now()) {
    if (!(speed > 0)) throw new RangeError(`speed must be a positive number, got ${speed}`);
    this.speed = speed;
    this.clock = clock;
  }

  /** Takes a token for the request; false when the bucket is empty. */
  take(key: string, throttleClass: ThrottleClass): boolean {
    if (this.speed === Number.POSITIVE_INFINITY) return true;
    const { capacity, refillPerSecond } = THROTTLE_LIMITS[throttleClass];
    const now = this.clock();
    const bucketKey = `${key}/${throttleClass}`;
    const bucket = this.buckets.get(bucketKey) ?? { tokens: capacity, updated: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updated) / 1000) * refillPerSecond * this.speed);
    bucket.updated = now;
    this.buckets.set(bucketKey, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
