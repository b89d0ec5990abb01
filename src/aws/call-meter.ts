/**
 * Sees every attempt an SDK client makes, retries included: it waits for the rate limiter's token
 * before each one (so retries queue behind the bucket too) and reports each attempt's outcome.
 * It sits just below the SDK's retry middleware, which calls it once per attempt.
 */
import type { FinalizeRequestMiddleware, MiddlewareStack } from '@smithy/types';
import { isThrottlingError } from './error-kinds.js';
import { ec2ThrottleClass, type RateLimiter } from './rate-limit.js';

/** One request sent to AWS. */
export interface AwsCall {
  /** The account whose credentials sent it; empty for GetCallerIdentity, which finds that out. */
  readonly account: string;
  readonly region: string;
  readonly service: 'ec2' | 'sts' | 'organizations';
  /** `DescribeImageAttribute`. */
  readonly action: string;
  readonly outcome: 'ok' | 'throttled' | 'error';
}

export interface MeterOptions {
  readonly account: string;
  readonly region: string;
  readonly service: AwsCall['service'];
  /** Paces EC2 calls per account, region and action; absent for services it does not model. */
  readonly limiter?: RateLimiter;
  readonly onCall: (call: AwsCall) => void;
}

const METER_NAME = 'amiguardCallMeter';

/** Installs the meter on a client the caller owns (a client takes it once). */
export function meterClient<Input extends object, Output extends object>(
  client: { readonly middlewareStack: MiddlewareStack<Input, Output> },
  options: MeterOptions,
): void {
  const { account, region, service, limiter, onCall } = options;
  const middleware: FinalizeRequestMiddleware<Input, Output> = (next, context) => async (args) => {
    const action = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    const bucket = `${account}/${region}/${action}`;
    const throttleClass = ec2ThrottleClass(action, args.input);
    const reservedAt = await limiter?.acquire(bucket, throttleClass);
    try {
      const result = await next(args);
      limiter?.accepted(bucket, throttleClass);
      onCall({ account, region, service, action, outcome: 'ok' });
      return result;
    } catch (error) {
      const throttled = isThrottlingError(error);
      // An adaptive limiter slows this bucket down at once, before the SDK's retry comes back to it.
      if (throttled && reservedAt !== undefined) limiter?.throttled(bucket, throttleClass, reservedAt);
      onCall({ account, region, service, action, outcome: throttled ? 'throttled' : 'error' });
      throw error;
    }
  };
  client.middlewareStack.addRelativeTo(middleware, { name: METER_NAME, relation: 'after', toMiddleware: 'retryMiddleware' });
}
