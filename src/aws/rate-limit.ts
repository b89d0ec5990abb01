/**
 * A client-side mirror of EC2's request throttling (AWS-FACTS.md "Throttling"): one token bucket
 * per account, region and action, sized by the action's class. Calls wait for a token instead of
 * being refused, so that a long audit runs at the limit without RequestLimitExceeded. See
 * https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html ("each API is
 * evaluated individually").
 *
 * AWS's documented rates are defaults: an account may have higher limits, or an endpoint none. An
 * adaptive limiter starts from them, raises a bucket's rate while no call is throttled and cuts
 * it at the first throttle, as the AWS SDK's adaptive retry mode does (but per account, region
 * and action rather than per client).
 */

export type ThrottleClass =
  | 'non-mutating'
  | 'unfiltered-non-mutating'
  | 'modify-attribute'
  | 'mutating'
  | 'block-public-access';

export interface BucketLimits {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

export const EC2_RATE_LIMITS: Readonly<Record<ThrottleClass, BucketLimits>> = {
  'non-mutating': { capacity: 100, refillPerSecond: 20 },
  'unfiltered-non-mutating': { capacity: 50, refillPerSecond: 10 },
  'modify-attribute': { capacity: 100, refillPerSecond: 5 },
  mutating: { capacity: 50, refillPerSecond: 5 },
  'block-public-access': { capacity: 1, refillPerSecond: 0.1 },
};

/** Parameters that make a listing filtered or paginated, and so an ordinary non-mutating call. */
const SCOPING_PARAMETERS = ['Filters', 'ImageIds', 'Owners', 'ExecutableUsers', 'SnapshotIds', 'OwnerIds', 'RestorableByUserIds', 'MaxResults'];

/** The class of an EC2 action, from its name and (for listings) its parameters. */
export function ec2ThrottleClass(action: string, input: object): ThrottleClass {
  if (/^(Enable|Disable)(Image|Snapshot)BlockPublicAccess$/.test(action)) return 'block-public-access';
  if (action === 'ModifyImageAttribute' || action === 'ModifySnapshotAttribute') return 'modify-attribute';
  if (action === 'DescribeImages' || action === 'DescribeSnapshots') {
    const scoped = SCOPING_PARAMETERS.some((name) => {
      const value: unknown = (input as Record<string, unknown>)[name];
      return value !== undefined && !(Array.isArray(value) && value.length === 0);
    });
    return scoped ? 'non-mutating' : 'unfiltered-non-mutating';
  }
  return /^(Describe|Get|List)/.test(action) ? 'non-mutating' : 'mutating';
}

export interface RateOptions {
  /**
   * Multiplies every refill rate, to match a sandbox run at `speed: N`; `Infinity` turns the
   * limiter off. Default 1 (AWS's rates).
   */
  readonly speed?: number;
  /** Bucket sizes and refill rates by class; AWS's (EC2_RATE_LIMITS) where not given. */
  readonly limits?: Partial<Record<ThrottleClass, BucketLimits>>;
  /**
   * Share of each bucket's capacity left unused (default 0.1), so that requests that reach AWS
   * closer together than they left (network jitter) still find a token there.
   */
  readonly headroom?: number;
  /**
   * Raise each bucket's rate while callers wait on it and nothing is throttled, and cut it when a
   * request is (`throttled`). Default false: a fixed mirror of AWS's buckets.
   */
  readonly adaptive?: boolean;
  /** Milliseconds; `performance.now` by default. Tests drive time through it. */
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A token bucket that hands out reservations: a caller takes a token now, or is told how many
 * whole milliseconds to wait for the one it has reserved. The bucket's clock runs ahead to the
 * last reservation, which queues callers in arrival order without polling, and each token is
 * taken at the moment it is used. In any interval of `t` ms it grants at most
 * `capacity + t * refillPerMs` tokens.
 */
export class TokenBucket {
  private tokens: number;
  /** The time `tokens` is counted at: now, or the last reservation when callers are queued. */
  private updated: number;
  private readonly capacity: number;
  private refillPerMs: number;

  constructor(capacity: number, refillPerSecond: number, now: number) {
    if (!(capacity >= 1) || !(refillPerSecond > 0)) throw new RangeError('a bucket needs capacity >= 1 and a positive refill rate');
    this.capacity = capacity;
    this.refillPerMs = refillPerSecond / 1000;
    this.tokens = capacity;
    this.updated = now;
  }

  /** Reserves one token; returns the whole milliseconds to wait before using it (0: use it now). */
  reserve(now: number): number {
    const at = Math.max(now, this.updated);
    const available = Math.min(this.capacity, this.tokens + (at - this.updated) * this.refillPerMs);
    // Rounded up so that a timer of that many milliseconds finds the token there.
    const wait = Math.ceil(at - now + (available >= 1 ? 0 : (1 - available) / this.refillPerMs));
    const granted = now + wait;
    this.tokens = Math.min(this.capacity, available + (granted - at) * this.refillPerMs) - 1;
    this.updated = granted;
    return wait;
  }

  /** Refills at the new rate from now on; reservations already made keep their times. */
  setRate(refillPerSecond: number, now: number): void {
    if (!(refillPerSecond > 0)) throw new RangeError('a bucket needs a positive refill rate');
    if (now > this.updated) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.updated) * this.refillPerMs);
      this.updated = now;
    }
    this.refillPerMs = refillPerSecond / 1000;
  }

  get refillPerSecond(): number {
    return this.refillPerMs * 1000;
  }
}

/**
 * An adaptive bucket raises its rate at most once per interval: a short one until its first
 * throttle, to find a high limit within seconds, a longer one after, to throttle seldom.
 */
const RAISE_INTERVAL_MS = { start: 500, after: 1000 } as const;
/**
 * On a throttle the rate is cut towards what the endpoint accepted in the last second (when the
 * endpoint's bucket is empty it accepts exactly its refill rate), less this share, so that its
 * bucket refills a little; never by more than half at once (a stalled event loop makes the
 * accepted count low for reasons of its own), and never by less than this share.
 */
const CUT_MARGIN = 0.05;
const DEEPEST_CUT = 0.5;
/** Without any accepted request to measure (none in the last second), the rate is cut to this share, the AWS SDK's adaptive mode's (CUBIC's) beta. */
const CUT = 0.7;
/** At most one cut per this many milliseconds: requests reserved at the old rate, or queued behind them, are throttled too, and say nothing new. */
const CUT_SPACING_MS = 1000;
/** The accepted rate is measured over this many milliseconds. */
const ACCEPTED_WINDOW_MS = 1000;
/** Past the rate last throttled at, a raise adds this share: a slow probe for a higher limit. */
const PROBE = 0.05;
/** No bucket is cut below this many requests per second (the SDK's minimum), or its base rate if lower. */
const MIN_RATE = 0.5;

/**
 * A token bucket whose rate follows what the endpoint accepts. Until the first throttle the rate
 * doubles each half second in which callers had to wait (AWS's documented rate is a default that
 * accounts may have raised, and a slow start finds a higher limit in a few seconds). A throttle
 * cuts it, at most once a second, to 5% under the rate the endpoint accepted in the last second
 * (within half and 95% of the rate), and remembers the rate that was too fast; later raises, once
 * a second, close half the distance to that rate, then probe past it by 5%. A raise never goes
 * past four times the rate the callers used in the interval (what they use lags a raise by a
 * queue of reservations), so a bucket does not save up a rate nobody asked for.
 */
export class AdaptiveBucket {
  /** The rate of the last throttle; Infinity until the first. */
  private ceiling = Number.POSITIVE_INFINITY;
  private changedAt: number;
  private grantedSinceChange = 0;
  /** Requests reserved before this time were paced by the rate a throttle has since cut. */
  private cutAt = Number.NEGATIVE_INFINITY;
  private readonly floor: number;
  /** When accepted requests were answered, oldest first; those before `acceptedFrom` are forgotten. */
  private readonly acceptedAt: number[] = [];
  private acceptedFrom = 0;
  private readonly createdAt: number;

  constructor(
    private readonly bucket: TokenBucket,
    now: number,
  ) {
    this.changedAt = now;
    this.createdAt = now;
    this.floor = Math.min(MIN_RATE, bucket.refillPerSecond);
  }

  get refillPerSecond(): number {
    return this.bucket.refillPerSecond;
  }

  reserve(now: number): number {
    const wait = this.bucket.reserve(now);
    this.grantedSinceChange += 1;
    const interval = this.ceiling === Number.POSITIVE_INFINITY ? RAISE_INTERVAL_MS.start : RAISE_INTERVAL_MS.after;
    if (wait > 0 && now - this.changedAt >= interval) this.raise(now);
    return wait;
  }

  /** The endpoint accepted a request of this bucket. */
  accepted(now: number): void {
    this.acceptedAt.push(now);
    this.forgetAccepted(now);
  }

  /** A request reserved at `reservedAt` was throttled: cut the rate, once per episode. */
  throttled(reservedAt: number, now: number): void {
    if (reservedAt < this.cutAt || now - this.cutAt < CUT_SPACING_MS) return;
    const rate = this.bucket.refillPerSecond;
    this.forgetAccepted(now);
    const accepted = this.acceptedAt.length - this.acceptedFrom;
    const window = Math.min(ACCEPTED_WINDOW_MS, now - this.createdAt);
    const target = accepted === 0 || window <= 0 ? rate * CUT : ((accepted * 1000) / window) * (1 - CUT_MARGIN);
    this.ceiling = rate;
    this.change(Math.max(this.floor, Math.min(rate * (1 - CUT_MARGIN), Math.max(rate * DEEPEST_CUT, target))), now);
    this.cutAt = now;
  }

  private forgetAccepted(now: number): void {
    while (this.acceptedFrom < this.acceptedAt.length && (this.acceptedAt[this.acceptedFrom] ?? now) <= now - ACCEPTED_WINDOW_MS) this.acceptedFrom += 1;
    // Compacted now and then rather than shifted per request (an open endpoint accepts hundreds a second).
    if (this.acceptedFrom >= 1024 && this.acceptedFrom * 2 >= this.acceptedAt.length) {
      this.acceptedAt.splice(0, this.acceptedFrom);
      this.acceptedFrom = 0;
    }
  }

  private raise(now: number): void {
    const rate = this.bucket.refillPerSecond;
    const used = (this.grantedSinceChange * 1000) / (now - this.changedAt);
    const target =
      this.ceiling === Number.POSITIVE_INFINITY ? rate * 2 : rate < this.ceiling ? rate + Math.max((this.ceiling - rate) / 2, rate * PROBE) : rate * (1 + PROBE);
    this.change(Math.max(rate, Math.min(target, 4 * used)), now);
  }

  private change(rate: number, now: number): void {
    this.bucket.setRate(rate, now);
    this.changedAt = now;
    this.grantedSinceChange = 0;
  }
}

/** Buckets by key (`account/region/action`), created full on first use. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket | AdaptiveBucket>();
  private readonly adaptive: boolean;
  private readonly speed: number;
  private readonly limits: Readonly<Record<ThrottleClass, BucketLimits>>;
  private readonly headroom: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: RateOptions = {}) {
    const speed = options.speed ?? 1;
    if (!(speed > 0)) throw new RangeError(`speed must be a positive number, got ${speed}`);
    const headroom = options.headroom ?? 0.1;
    if (!(headroom >= 0 && headroom < 1)) throw new RangeError(`headroom must be at least 0 and below 1, got ${headroom}`);
    this.speed = speed;
    this.adaptive = options.adaptive ?? false;
    this.limits = { ...EC2_RATE_LIMITS, ...options.limits };
    this.headroom = headroom;
    this.clock = options.clock ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** False when the limiter lets everything through (speed Infinity). */
  get enabled(): boolean {
    return this.speed !== Number.POSITIVE_INFINITY;
  }

  /** The limits the buckets of a class use: capacity less the headroom, refill times the speed. */
  effectiveLimits(throttleClass: ThrottleClass): BucketLimits {
    const { capacity, refillPerSecond } = this.limits[throttleClass];
    return { capacity: Math.max(1, Math.floor(capacity * (1 - this.headroom))), refillPerSecond: refillPerSecond * this.speed };
  }

  /**
   * Resolves when the caller may send one request of the bucket `key`, with the time it was
   * reserved at: the ticket to pass to `throttled` if AWS throttles the request.
   */
  async acquire(key: string, throttleClass: ThrottleClass): Promise<number> {
    const reservedAt = this.clock();
    if (!this.enabled) return reservedAt;
    const wait = this.bucket(key, throttleClass).reserve(reservedAt);
    if (wait > 0) await this.sleep(wait);
    return reservedAt;
  }

  /** AWS accepted a request of bucket `key`: an adaptive bucket measures the rate it accepts. */
  accepted(key: string, throttleClass: ThrottleClass): void {
    const bucket = this.buckets.get(`${key}/${throttleClass}`);
    if (bucket instanceof AdaptiveBucket) bucket.accepted(this.clock());
  }

  /** AWS throttled a request that `acquire` let through at `reservedAt`: an adaptive bucket slows down. */
  throttled(key: string, throttleClass: ThrottleClass, reservedAt: number): void {
    const bucket = this.buckets.get(`${key}/${throttleClass}`);
    if (bucket instanceof AdaptiveBucket) bucket.throttled(reservedAt, this.clock());
  }

  /** The refill rate a bucket runs at now (its class's until it is first used). */
  currentRate(key: string, throttleClass: ThrottleClass): number {
    return this.buckets.get(`${key}/${throttleClass}`)?.refillPerSecond ?? this.effectiveLimits(throttleClass).refillPerSecond;
  }

  private bucket(key: string, throttleClass: ThrottleClass): TokenBucket | AdaptiveBucket {
    const bucketKey = `${key}/${throttleClass}`;
    let bucket = this.buckets.get(bucketKey);
    if (bucket === undefined) {
      const { capacity, refillPerSecond } = this.effectiveLimits(throttleClass);
      const now = this.clock();
      const tokens = new TokenBucket(capacity, refillPerSecond, now);
      bucket = this.adaptive ? new AdaptiveBucket(tokens, now) : tokens;
      this.buckets.set(bucketKey, bucket);
    }
    return bucket;
  }
}

/**
 * The least time AWS's buckets allow for `calls` requests of one bucket: the burst is free, the
 * rest come at the refill rate. Buckets are independent, so a run's bound is its slowest bucket.
 */
export function tokenBucketLowerBoundMs(calls: number, limits: BucketLimits, speed = 1): number {
  if (speed === Number.POSITIVE_INFINITY) return 0;
  return (Math.max(0, calls - limits.capacity) / (limits.refillPerSecond * speed)) * 1000;
}
