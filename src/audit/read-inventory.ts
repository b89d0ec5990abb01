/**
 * Reads an estate: accounts and regions in parallel, each account-region paced by its own token
 * buckets so that the audit runs at EC2's throttling limit, whatever the account's limit is,
 * with few throttled calls and none failed.
 */
import type { CoverageRead } from '../core/index.js';
import type { AwsCall } from '../aws/call-meter.js';
import { toAmiguardError } from '../aws/errors.js';
import { RateLimiter, type RateOptions } from '../aws/rate-limit.js';
import { getCallerIdentity, type CallerIdentity } from '../aws/roles.js';
import type { AwsSession } from '../aws/session.js';
import { accountsInScope, openAccount, type AccountContext } from './accounts.js';
import { AuditClients } from './clients.js';
import type { Inventory, RegionInventory } from './model.js';
import { readRegion } from './read-region.js';
import { concurrencyLimit } from './work-queue.js';

export interface AuditScope {
  /** `all`: every region enabled for each account (DescribeRegions). */
  readonly regions: readonly string[] | 'all';
  /** Default: the account of the credentials. */
  readonly accounts?: readonly string[];
  /** Every ACTIVE account of the organization (ListAccounts, from the management account). */
  readonly organization?: boolean;
  /** Role name assumed in every account but the credentials' own: arn:<partition>:iam::<account>:role/<role>. */
  readonly role?: string;
  readonly externalId?: string;
}

export interface ReadOptions {
  readonly session: AwsSession;
  readonly scope: AuditScope;
  /**
   * The client-side limiter: AWS's buckets to start with, each raised while none of its calls is
   * throttled and cut at a throttle (`adaptive: false` keeps AWS's rates). `speed` scales the
   * starting rates to a sandbox's.
   */
  readonly rate?: RateOptions;
  /** Called about once a second and when a region is done. */
  readonly onProgress?: (progress: AuditProgress) => void;
  /** Every request sent to AWS, retries included. */
  readonly onCall?: (call: AwsCall) => void;
  /** Account-regions read at once (default 32); each keeps up to 16 reads per action in flight. */
  readonly parallelRegions?: number;
}

export interface AuditProgress {
  readonly accounts: { readonly done: number; readonly total: number };
  /** Account and region pairs; `total` grows as each account's regions become known. */
  readonly regions: { readonly done: number; readonly total: number };
  /** AMIs whose launch permission has been read. */
  readonly images: number;
  readonly calls: number;
  readonly throttled: number;
  /** Over the time since the previous report. */
  readonly callsPerSecond: number;
  readonly elapsedMs: number;
}

/** AssumeRole and DescribeRegions in flight at once, across accounts. */
const PARALLEL_ACCOUNT_SETUP = 8;
const PROGRESS_INTERVAL_MS = 1000;

class Tally {
  calls = 0;
  throttled = 0;
  images = 0;
  accounts = { done: 0, total: 0 };
  regions = { done: 0, total: 0 };
  private readonly started = performance.now();
  private lastReport = { at: this.started, calls: 0 };
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onProgress: ((progress: AuditProgress) => void) | undefined,
    private readonly onCall: ((call: AwsCall) => void) | undefined,
  ) {
    if (onProgress !== undefined) {
      this.timer = setInterval(() => this.report(), PROGRESS_INTERVAL_MS);
      this.timer.unref();
    }
  }

  call(call: AwsCall): void {
    this.calls += 1;
    if (call.outcome === 'throttled') this.throttled += 1;
    this.onCall?.(call);
  }

  report(): void {
    if (this.onProgress === undefined) return;
    const now = performance.now();
    const seconds = (now - this.lastReport.at) / 1000;
    const callsPerSecond = seconds > 0 ? (this.calls - this.lastReport.calls) / seconds : 0;
    this.lastReport = { at: now, calls: this.calls };
    this.onProgress({
      accounts: { ...this.accounts },
      regions: { ...this.regions },
      images: this.images,
      calls: this.calls,
      throttled: this.throttled,
      callsPerSecond,
      elapsedMs: now - this.started,
    });
  }

  elapsedMs(): number {
    return performance.now() - this.started;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}

/**
 * Reads every AMI of the scope with its launch and snapshot permissions, the public snapshots
 * that back none, and block public access per region. What cannot be read is in `failures`,
 * named by account, region, kind and resource with the reason and IAM action; the rest is read
 * all the same, and `read` says what was. Throws only when
 * nothing can be read: no usable credentials, or an organization whose accounts cannot be listed.
 */
export async function readInventory(options: ReadOptions): Promise<Inventory> {
  const { scope } = options;
  const tally = new Tally(options.onProgress, options.onCall);
  const clients = new AuditClients(options.session.options, new RateLimiter({ adaptive: true, ...options.rate }), (call) => tally.call(call));
  try {
    const home = await homeRegion(options.session, scope.regions);
    let caller: CallerIdentity;
    try {
      // A client of its own: its calls are metered under an account not known until it answers.
      caller = await getCallerIdentity(clients.sts(clients.session(), '', home));
    } catch (error) {
      throw toAmiguardError(error, { action: 'GetCallerIdentity', service: 'sts', region: home });
    }
    const own = clients.session();
    const context: AccountContext = { scope, caller, clients, own, home };
    const { accounts, failures } = await accountsInScope(context);
    tally.accounts.total = accounts.length;
    const regions: RegionInventory[] = [];
    const read: CoverageRead[] = [];
    const setupLimit = concurrencyLimit(PARALLEL_ACCOUNT_SETUP);
    const regionLimit = concurrencyLimit(options.parallelRegions ?? 32);

    await Promise.all(
      accounts.map(async (account) => {
        const opened = await setupLimit(() => openAccount(context, account));
        if ('failure' in opened) {
          failures.push(opened.failure);
        } else {
          failures.push(...opened.regionFailures);
          tally.regions.total += opened.regions.length;
          await Promise.all(
            opened.regions.map((region) =>
              regionLimit(async () => {
                const ec2 = clients.ec2(opened.session, account, region);
                const result = await readRegion({ account, region, ec2, onImage: () => (tally.images += 1) });
                if ('inventory' in result) {
                  regions.push(result.inventory);
                  read.push(...result.read);
                  failures.push(...result.unread);
                } else {
                  failures.push(result.failure);
                }
                tally.regions.done += 1;
                tally.report();
              }),
            ),
          );
        }
        tally.accounts.done += 1;
      }),
    );

    regions.sort((a, b) => compare(a.account, b.account) || compare(a.region, b.region));
    failures.sort(
      (a, b) =>
        compare(a.account, b.account) ||
        compare(a.region ?? '', b.region ?? '') ||
        compare(a.kind, b.kind) ||
        compare(a.resource ?? '', b.resource ?? '') ||
        compare(a.reason, b.reason),
    );
    read.sort((a, b) => compare(a.account ?? '', b.account ?? '') || compare(a.region ?? '', b.region ?? '') || compare(a.kind, b.kind));
    tally.report();
    return {
      caller: caller.account,
      regions,
      failures,
      read,
      stats: {
        accounts: new Set(regions.map((region) => region.account)).size,
        regions: new Set(regions.map((region) => region.region)).size,
        accountRegions: regions.length,
        images: regions.reduce((sum, region) => sum + region.images.length, 0),
        calls: tally.calls,
        throttled: tally.throttled,
        durationMs: tally.elapsedMs(),
      },
    };
  } finally {
    tally.stop();
    clients.destroy();
  }
}

/** STS, Organizations and DescribeRegions go to the session's region, else the first one audited. */
async function homeRegion(session: AwsSession, regions: AuditScope['regions']): Promise<string> {
  try {
    return await session.defaultRegion();
  } catch (error) {
    const first = regions === 'all' ? undefined : regions[0];
    if (first === undefined) throw error;
    return first;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
