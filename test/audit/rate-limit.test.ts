/**
 * The client-side limiter, against the sandbox's own token buckets as the oracle: every request
 * the limiter lets go at a given (injected) time must be one EC2's bucket accepts at that time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EC2_RATE_LIMITS,
  RateLimiter,
  TokenBucket,
  ec2ThrottleClass,
  tokenBucketLowerBoundMs,
  type ThrottleClass,
} from '../../src/aws/rate-limit.js';
import { THROTTLE_LIMITS } from '../../src/sandbox/index.js';
import { Throttle } from '../../src/sandbox/throttle.js';

/** A clock that moves only when a caller sleeps: sleeping is instant and advances it. */
function virtualTime() {
  const time = { now: 0 };
  return {
    time,
    clock: () => time.now,
    sleep: (ms: number) => {
      time.now += ms;
      return Promise.resolve();
    },
  };
}

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('rate limits', () => {
  it('mirror AWS-FACTS.md, as the sandbox does', () => {
    assert.deepEqual(EC2_RATE_LIMITS, THROTTLE_LIMITS);
    assert.deepEqual(EC2_RATE_LIMITS['non-mutating'], { capacity: 100, refillPerSecond: 20 });
  });

  it('classify actions as EC2 throttles them', () => {
    assert.equal(ec2ThrottleClass('DescribeImageAttribute', { ImageId: 'ami-1', Attribute: 'launchPermission' }), 'non-mutating');
    assert.equal(ec2ThrottleClass('DescribeImages', { Owners: ['self'], MaxResults: 1000 }), 'non-mutating');
    assert.equal(ec2ThrottleClass('DescribeImages', {}), 'unfiltered-non-mutating');
    assert.equal(ec2ThrottleClass('DescribeSnapshots', { SnapshotIds: [] }), 'unfiltered-non-mutating');
    assert.equal(ec2ThrottleClass('DescribeSnapshots', { SnapshotIds: ['snap-1'] }), 'non-mutating');
    assert.equal(ec2ThrottleClass('GetImageBlockPublicAccessState', {}), 'non-mutating');
    assert.equal(ec2ThrottleClass('ModifyImageAttribute', {}), 'modify-attribute');
    assert.equal(ec2ThrottleClass('ModifySnapshotAttribute', {}), 'modify-attribute');
    assert.equal(ec2ThrottleClass('EnableSnapshotBlockPublicAccess', {}), 'block-public-access');
    assert.equal(ec2ThrottleClass('ResetImageAttribute', {}), 'mutating');
  });

  it('give the token-bucket lower bound of a run', () => {
    assert.equal(tokenBucketLowerBoundMs(1250, EC2_RATE_LIMITS['non-mutating']), 57_500);
    assert.equal(tokenBucketLowerBoundMs(1250, EC2_RATE_LIMITS['non-mutating'], 10), 5_750);
    assert.equal(tokenBucketLowerBoundMs(80, EC2_RATE_LIMITS['non-mutating']), 0);
    assert.equal(tokenBucketLowerBoundMs(1250, EC2_RATE_LIMITS['non-mutating'], Number.POSITIVE_INFINITY), 0);
  });
});

describe('TokenBucket', () => {
  it('hands out the burst at once, then one token per refill interval, in call order', () => {
    const bucket = new TokenBucket(3, 2, 0);
    assert.deepEqual([0, 0, 0, 0, 0].map(() => bucket.reserve(0)), [0, 0, 0, 500, 1000]);
    // Time spent idle refills it, but never above its capacity.
    const idle = new TokenBucket(3, 2, 0);
    for (let i = 0; i < 3; i += 1) idle.reserve(0);
    assert.equal(idle.reserve(10_000), 0);
    assert.deepEqual([idle.reserve(10_000), idle.reserve(10_000), idle.reserve(10_000)], [0, 0, 500]);
  });

  it('never grants more than capacity + refill x time in any window', () => {
    const bucket = new TokenBucket(10, 5, 0);
    const next = random(7);
    const grants: number[] = [];
    let now = 0;
    for (let i = 0; i < 500; i += 1) {
      now += next() < 0.2 ? next() * 3000 : 0;
      grants.push(now + bucket.reserve(now));
    }
    grants.sort((a, b) => a - b);
    for (let i = 0; i < grants.length; i += 1) {
      for (let j = i; j < grants.length; j += 1) {
        const window = (grants[j] ?? 0) - (grants[i] ?? 0);
        assert.ok(j - i + 1 <= 10 + (window / 1000) * 5 + 1e-9, `${j - i + 1} grants in ${window} ms`);
      }
    }
  });
});

describe('RateLimiter', () => {
  const cases: [ThrottleClass, number][] = [
    ['non-mutating', 1],
    ['non-mutating', 20],
    ['modify-attribute', 1],
    ['unfiltered-non-mutating', 5],
    ['block-public-access', 1],
  ];
  for (const [throttleClass, speed] of cases) {
    it(`never sends a ${throttleClass} request EC2's bucket would refuse (speed ${speed}), one caller at a time`, async () => {
      const { time, clock, sleep } = virtualTime();
      const limiter = new RateLimiter({ speed, clock, sleep });
      const oracle = new Throttle(speed, clock);
      const next = random(speed);
      let accepted = 0;
      for (let i = 0; i < 400; i += 1) {
        // Now and then the caller pauses, and the buckets refill.
        if (next() < 0.05) time.now += next() * 20_000;
        const key = next() < 0.5 ? '111111111111/us-east-1/DescribeImageAttribute' : '111111111111/eu-west-1/DescribeImageAttribute';
        await limiter.acquire(key, throttleClass);
        assert.ok(oracle.take(key, throttleClass), `request ${i} at ${time.now} ms would be throttled`);
        accepted += 1;
      }
      assert.equal(accepted, 400);
    });
  }

  it('spreads a burst of concurrent callers over the refill, never beyond the bucket', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new RateLimiter({
      clock: () => now,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await Promise.all(Array.from({ length: 300 }, () => limiter.acquire('a/us-east-1/DescribeImageAttribute', 'non-mutating')));
    // 90 at once (the bucket less its headroom), then one every 50 ms.
    assert.equal(waits.length, 210);
    assert.equal(Math.max(...waits), 210 * 50);
    const oracle = new Throttle(1, () => now);
    const grants = [...Array.from({ length: 90 }, () => 0), ...waits].sort((a, b) => a - b);
    for (const at of grants) {
      now = at;
      assert.ok(oracle.take('a', 'non-mutating'), `a request at ${at} ms would be throttled`);
    }
  });

  it('keeps separate buckets per key, and lets everything through at speed Infinity', async () => {
    const { time, clock, sleep } = virtualTime();
    const limiter = new RateLimiter({ clock, sleep });
    for (let i = 0; i < 90; i += 1) await limiter.acquire('a', 'non-mutating');
    for (let i = 0; i < 90; i += 1) await limiter.acquire('b', 'non-mutating');
    assert.equal(time.now, 0);
    await limiter.acquire('a', 'non-mutating');
    assert.equal(time.now, 50);

    const open = new RateLimiter({ speed: Number.POSITIVE_INFINITY, clock, sleep });
    assert.equal(open.enabled, false);
    for (let i = 0; i < 1000; i += 1) await open.acquire('a', 'block-public-access');
    assert.equal(time.now, 50);
  });

  it('keeps a tenth of each bucket in reserve and scales the refill by the speed', () => {
    const limiter = new RateLimiter({ speed: 20 });
    assert.deepEqual(limiter.effectiveLimits('non-mutating'), { capacity: 90, refillPerSecond: 400 });
    assert.deepEqual(limiter.effectiveLimits('unfiltered-non-mutating'), { capacity: 45, refillPerSecond: 200 });
    assert.deepEqual(limiter.effectiveLimits('block-public-access'), { capacity: 1, refillPerSecond: 2 });
    assert.deepEqual(new RateLimiter({ headroom: 0 }).effectiveLimits('non-mutating'), { capacity: 100, refillPerSecond: 20 });
  });

  it('rejects a speed or headroom that makes no sense', () => {
    assert.throws(() => new RateLimiter({ speed: 0 }), RangeError);
    assert.throws(() => new RateLimiter({ headroom: 1 }), RangeError);
  });
});

/**
 * A discrete-event loop on a virtual clock: `sleep` schedules a wake-up, and `run` wakes the
 * earliest sleeper once every other task has settled, so that concurrent callers interleave as
 * they would in real time, deterministically and at once.
 */
function eventLoop() {
  let now = 0;
  let order = 0;
  const timers: { at: number; order: number; wake: () => void }[] = [];
  return {
    clock: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => timers.push({ at: now + ms, order: order++, wake })),
    async run(work: Promise<unknown>): Promise<void> {
      let finished = false;
      void work.then(() => (finished = true));
      for (;;) {
        await new Promise((settled) => setImmediate(settled));
        if (finished) return;
        timers.sort((a, b) => a.at - b.at || a.order - b.order);
        const next = timers.shift();
        if (next === undefined) throw new Error('every task is waiting on something other than the clock');
        now = Math.max(now, next.at);
        next.wake();
      }
    },
  };
}

const KEY = '111111111111/us-east-1/DescribeImageAttribute';

/**
 * `calls` DescribeImageAttribute requests by 16 workers through an adaptive limiter to an endpoint
 * that throttles as EC2 does at `endpointSpeed` (Infinity: never), 50 ms away (plus up to `jitterMs`
 * more, at random: a loaded machine or network). A throttled request
 * is retried as the SDK does (a random wait up to 500 ms x 2^retry, through the limiter again).
 */
async function simulate(endpointSpeed: number, calls: number, jitterMs = 0) {
  const loop = eventLoop();
  const limiter = new RateLimiter({ adaptive: true, clock: loop.clock, sleep: loop.sleep });
  const endpoint = new Throttle(endpointSpeed, loop.clock);
  const next = random(3);
  let remaining = calls;
  let throttled = 0;
  let mostAttempts = 0;
  const worker = async (): Promise<void> => {
    for (; remaining > 0; remaining -= 1) {
      for (let attempt = 1; ; attempt += 1) {
        const reservedAt = await limiter.acquire(KEY, 'non-mutating');
        const accepted = endpoint.take(KEY, 'non-mutating');
        await loop.sleep(jitterMs === 0 ? 50 : 50 + Math.floor(next() * jitterMs));
        if (accepted) {
          limiter.accepted(KEY, 'non-mutating');
          mostAttempts = Math.max(mostAttempts, attempt);
          break;
        }
        throttled += 1;
        limiter.throttled(KEY, 'non-mutating', reservedAt);
        await loop.sleep(Math.floor(next() * 500 * 2 ** (attempt - 1)));
      }
    }
  };
  await loop.run(Promise.all(Array.from({ length: 16 }, worker)));
  return { ms: loop.clock(), throttled, mostAttempts };
}

describe('adaptive RateLimiter', () => {
  /** Sends `count` requests one after another; returns the rate the bucket ends at. */
  async function send(limiter: RateLimiter, count: number): Promise<number> {
    for (let i = 0; i < count; i += 1) await limiter.acquire(KEY, 'non-mutating');
    return limiter.currentRate(KEY, 'non-mutating');
  }

  it('starts at AWS\'s rate and doubles it each half second its callers wait and nothing is throttled', async () => {
    const { time, clock, sleep } = virtualTime();
    const limiter = new RateLimiter({ adaptive: true, clock, sleep });
    assert.equal(await send(limiter, 90), 20);
    assert.equal(time.now, 0);
    // 10 requests at 20 a second: the first that waits past half a second raises the rate.
    assert.equal(await send(limiter, 11), 40);
    assert.equal(time.now, 550);
    assert.equal(await send(limiter, 21), 80);
  });

  it('does not raise a rate its callers leave unused', async () => {
    const { time, clock, sleep } = virtualTime();
    const limiter = new RateLimiter({ adaptive: true, clock, sleep });
    await send(limiter, 90);
    // One request every 100 ms: the bucket refills faster than that, so no caller waits.
    for (let i = 0; i < 100; i += 1) {
      time.now += 100;
      await limiter.acquire(KEY, 'non-mutating');
    }
    assert.equal(limiter.currentRate(KEY, 'non-mutating'), 20);
  });

  it('cuts the rate to 0.7x at a throttle when nothing was accepted, once for the requests paced before the cut and once a second', async () => {
    const { time, clock, sleep } = virtualTime();
    const limiter = new RateLimiter({ adaptive: true, clock, sleep });
    await send(limiter, 101);
    const before = await limiter.acquire(KEY, 'non-mutating');
    assert.equal(limiter.currentRate(KEY, 'non-mutating'), 40);
    time.now += 10;
    limiter.throttled(KEY, 'non-mutating', before);
    assert.equal(limiter.currentRate(KEY, 'non-mutating'), 28);
    // Another throttled request reserved before the cut is the same episode.
    limiter.throttled(KEY, 'non-mutating', before);
    assert.equal(limiter.currentRate(KEY, 'non-mutating'), 28);
    // So is one reserved after it, within a second: it queued behind the old rate's reservations.
    time.now += 999;
    limiter.throttled(KEY, 'non-mutating', time.now);
    assert.equal(limiter.currentRate(KEY, 'non-mutating'), 28);
    time.now += 1;
    limiter.throttled(KEY, 'non-mutating', time.now);
    assert.ok(Math.abs(limiter.currentRate(KEY, 'non-mutating') - 19.6) < 1e-9);
  });

  it('cuts to 5% under the rate the endpoint accepted in the last second, by at most half and at least 5%', async () => {
    const { time, clock, sleep } = virtualTime();
    const limiter = new RateLimiter({ adaptive: true, clock, sleep });
    await send(limiter, 121);
    assert.equal(limiter.currentRate(KEY, 'non-mutating'), 80);
    /** The endpoint accepts `perSecond` requests a second for a second, then throttles one. */
    const acceptThenThrottle = (perSecond: number): number => {
      for (let i = 0; i < perSecond; i += 1) {
        time.now += 1000 / perSecond;
        limiter.accepted(KEY, 'non-mutating');
      }
      time.now += 1;
      limiter.throttled(KEY, 'non-mutating', time.now);
      return Math.round(limiter.currentRate(KEY, 'non-mutating') * 100) / 100;
    };
    // At 80 a second against an endpoint that accepts 20: by half, twice (95% of 20 is lower).
    assert.equal(acceptThenThrottle(20), 40);
    assert.equal(acceptThenThrottle(20), 20);
    // Throttled at 20 with 19 accepted: 95% of 19.
    assert.equal(acceptThenThrottle(19), 18.05);
    // More accepted than the rate (the endpoint's burst): still 5% less, never a raise.
    assert.equal(acceptThenThrottle(40), 17.15);
  });

  it('after a throttle climbs back each second by half the way to the throttled rate (at least 5%), then by 5%', async () => {
    const { time, clock, sleep } = virtualTime();
    const limiter = new RateLimiter({ adaptive: true, clock, sleep });
    await send(limiter, 101);
    time.now += 1;
    limiter.throttled(KEY, 'non-mutating', time.now);
    const rates: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const start = time.now;
      while (time.now - start < 1000) await limiter.acquire(KEY, 'non-mutating');
      rates.push(Math.round(limiter.currentRate(KEY, 'non-mutating') * 100) / 100);
    }
    // Cut from 40 to 28; each line is the rate after a second of waiting callers.
    assert.deepEqual(rates, [28, 34, 37, 38.85, 40.79, 42.83]);
  });

  it('a fixed limiter ignores throttles', async () => {
    const { clock, sleep } = virtualTime();
    const limiter = new RateLimiter({ clock, sleep });
    const at = await limiter.acquire(KEY, 'non-mutating');
    limiter.throttled(KEY, 'non-mutating', at);
    assert.equal(limiter.currentRate(KEY, 'non-mutating'), 20);
  });

  it('against EC2\'s own buckets, finishes within 1.05x the token-bucket bound, every request accepted within 6 attempts', async () => {
    for (const [calls, jitter] of [[1250, 0], [5000, 0], [1250, 500]] as const) {
      const run = await simulate(1, calls, jitter);
      const bound = tokenBucketLowerBoundMs(calls, EC2_RATE_LIMITS['non-mutating']);
      assert.ok(run.ms <= bound * 1.05, `${calls} calls: ${run.ms} ms, bound ${bound} ms`);
      assert.ok(run.mostAttempts <= 6, `a request needed ${run.mostAttempts} attempts`);
      assert.ok(run.throttled <= calls * 0.1, `${run.throttled} of ${calls} requests throttled`);
    }
  });

  it('against an endpoint that never throttles, reaches the callers\' own pace within seconds', async () => {
    // 16 workers 50 ms from the endpoint, unpaced, send 320 requests a second: 5,000 in 15.6 s
    // (a limiter fixed at AWS's rate takes 245 s).
    const run = await simulate(Number.POSITIVE_INFINITY, 5000);
    assert.equal(run.throttled, 0);
    assert.ok(run.ms <= (5000 / 320) * 1000 * 1.2, `${run.ms} ms`);
  });
});
