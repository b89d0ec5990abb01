/**
 * Audit speed and memory against the sandbox:
 *
 *   npm run bench:audit                       # both scenarios on 10,000 AMIs, then 100,000 AMIs
 *   npm run bench:audit -- --scenario open --amis 2000 --big 0
 *
 * Two scenarios, the same estate (2 accounts x 4 regions, each AMI with a snapshot):
 * - `aws`: the sandbox throttles at AWS's documented rates (times --speed). amiguard's wall time
 *   is compared with the token-bucket lower bound, the slowest bucket's `(calls - burst) / refill`
 *   from the calls amiguard made: its limiter may probe above the documented rate, but must not
 *   lose time or fail calls doing so. `last bucket from` is when the last of the per-AMI buckets
 *   got its first answer: a bucket's refill only starts with its first call, so a run ends at
 *   least that late past the bound.
 * - `open`: the sandbox does not throttle (an endpoint whose limits are far above AWS's
 *   defaults). amiguard starts from AWS's rates as always and must find out; it is compared with
 *   an unpaced reader of 10 workers per region.
 * Every reader makes the same calls: amiguard's (regions and accounts in parallel, an adaptive
 * token bucket per account, region and action), `amiguard-fixed` (the same with the limiter
 * fixed at AWS's rates), `custodian` (Cloud Custodian's pattern: per region, 2 workers over
 * chunks of 20 AMIs, no limiter, the SDK's retries), `pool-10` (10 workers per region, no
 * limiter) and `sequential` (one call after another; it reads one account-region, the estate's
 * regions are all alike, and its time is multiplied by their number, and marked so, unless
 * --full-sequential). Each reader runs in a child process of its own, against a sandbox in
 * another, so that peak memory is the reader's alone.
 *
 * Options: --scenario aws|open|both|none (default both; none runs only the memory run),
 * --accounts N and --regions N (the estate's shape, default 2 x 4: on a busy machine, fewer
 * account-regions keep the reader's CPU from setting the pace), --speed N (the `aws` sandbox's refill and
 * the limiters' starting rates, times N; default 1), --latency MS (added by the sandbox to every
 * request, as the network would; default 50), --amis N (default 10,000), --big N (the memory run:
 * 1 region of N AMIs, open sandbox, amiguard as in `open`; default 100,000, 0 skips it),
 * --big-heap MB (caps the memory run's old space, default 256, so that its peak RSS shows what the
 * audit needs rather than how far V8 lets an uncollected heap grow; 0 lifts the cap),
 * --aws-readers LIST, --open-readers LIST, --full-sequential.
 *
 * The SDK costs most of a millisecond of CPU per call on a small machine, so past ~700 calls a
 * second (on 2 cores) the reader's CPU, not the endpoint, sets the pace. Prints figures; it is
 * not a test.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { readInventory } from '../src/audit/index.js';
import { AuditClients } from '../src/audit/clients.js';
import type { AwsCall } from '../src/aws/call-meter.js';
import { getLaunchPermissions, getVolumePermissions } from '../src/aws/images.js';
import {
  describeSnapshotsById,
  getImageBlockPublicAccess,
  getSnapshotBlockPublicAccess,
  listPublicSnapshots,
  listRegions,
  ownedImagePages,
  type OwnedImage,
} from '../src/aws/inventory-reads.js';
import { listOrganizationAccounts } from '../src/aws/organizations.js';
import { EC2_RATE_LIMITS, RateLimiter, tokenBucketLowerBoundMs } from '../src/aws/rate-limit.js';
import { assumeRole, getCallerIdentity, roleArn } from '../src/aws/roles.js';
import { AwsSession } from '../src/aws/session.js';
import { generateEstate, startSandbox, type GenerateEstateOptions } from '../src/sandbox/index.js';

const SELF = fileURLToPath(import.meta.url);
const HOME = 'us-east-1';
const MANAGEMENT_CREDENTIALS = { accessKeyId: 'AKIAGENERATED0000000', secretAccessKey: 'generated-secret-0' };
const ROLE = 'AmiguardAuditRole';

const VARIANTS = ['amiguard', 'amiguard-fixed', 'custodian', 'pool-10', 'sequential'] as const;
type Variant = (typeof VARIANTS)[number];

function isVariant(name: string): name is Variant {
  return (VARIANTS as readonly string[]).includes(name);
}

interface ReaderJob {
  readonly variant: Variant;
  readonly url: string;
  /** The limiter's starting rates: AWS's times this. */
  readonly speed: number;
  /** Read only the first account-region (the sequential reader's sample). */
  readonly sample: boolean;
}

interface ReaderResult {
  readonly variant: Variant;
  readonly setupMs: number;
  /** Account-regions the estate has, and how many were read. */
  readonly regions: number;
  readonly regionsRead: number;
  readonly wallMs: number;
  readonly images: number;
  readonly attempts: number;
  readonly throttled: number;
  /** Calls that still failed after the SDK's retries. */
  readonly failedCalls: number;
  /** Successful EC2 calls per account/region/action bucket. */
  readonly buckets: Readonly<Record<string, number>>;
  /** When the last busy bucket (a per-AMI read's) got its first answer. */
  readonly lastBusyStartMs: number;
  readonly maxRssMb: number;
  /** The largest heap seen (sampled every 100 ms), garbage not yet collected included. */
  readonly peakHeapMb: number;
  /** Heap held after the read, with the result still referenced (after a full GC). */
  readonly heapMb: number;
}

interface SandboxJob {
  readonly estate: GenerateEstateOptions;
  readonly speed: number;
  readonly latencyMs: number;
}

// ---- child processes -------------------------------------------------------------------------

async function runSandbox(job: SandboxJob): Promise<void> {
  const sandbox = await startSandbox({
    estate: generateEstate(job.estate),
    speed: job.speed,
    ...(job.latencyMs > 0 ? { faults: { latencyMs: job.latencyMs, services: ['ec2', 'sts', 'organizations'] } } : {}),
  });
  process.send?.({ url: sandbox.url });
  process.on('disconnect', () => {
    void sandbox.close().then(() => process.exit(0));
  });
}

class Meter {
  attempts = 0;
  throttled = 0;
  failedCalls = 0;
  readonly buckets: Record<string, number> = {};
  /** When each bucket's first call was answered, in ms from the meter's start. */
  readonly firstAnswers: Record<string, number> = {};
  private readonly started = performance.now();

  record(call: AwsCall): void {
    this.attempts += 1;
    if (call.outcome === 'throttled') this.throttled += 1;
    if (call.outcome === 'ok' && call.service === 'ec2') {
      const key = `${call.account}/${call.region}/${call.action}`;
      this.buckets[key] = (this.buckets[key] ?? 0) + 1;
      this.firstAnswers[key] ??= performance.now() - this.started;
    }
  }

  /**
   * When the last of the busiest buckets (the per-AMI reads, which set the bound) got its first
   * answer: each bucket's time runs from there, so a late start ends the run as late.
   */
  lastBusyStartMs(): number {
    const most = Math.max(0, ...Object.values(this.buckets));
    return Math.max(0, ...Object.entries(this.buckets).filter(([, calls]) => calls * 2 > most).map(([key]) => this.firstAnswers[key] ?? 0));
  }
}

/** The estate's accounts and their sessions, for the two comparison readers. */
async function openEstate(clients: AuditClients, session: AwsSession): Promise<{ account: string; session: AwsSession; regions: string[] }[]> {
  const caller = await getCallerIdentity(clients.sts(session, '', HOME));
  const accounts = (await listOrganizationAccounts(clients.organizations(session, caller.account, HOME))).filter((a) => a.state === 'ACTIVE');
  const opened = [];
  for (const { id } of accounts) {
    let accountSession = session;
    if (id !== caller.account) {
      const credentials = await assumeRole(clients.sts(session, caller.account, HOME), { roleArn: roleArn(caller.partition, id, ROLE), sessionName: 'bench' });
      accountSession = clients.session(credentials);
    }
    const regions = (await listRegions(clients.ec2(accountSession, id, HOME))).filter((r) => r.optInStatus !== 'not-opted-in').map((r) => r.name);
    opened.push({ account: id, session: accountSession, regions });
  }
  return opened;
}

/** The reads of one account-region as a list of calls, the same ones amiguard's reader makes. */
async function regionCalls(ec2: EC2Client, meter: Meter): Promise<{ images: OwnedImage[]; calls: (() => Promise<unknown>)[] }> {
  const tolerate = async (call: () => Promise<unknown>): Promise<void> => {
    try {
      await call();
    } catch {
      meter.failedCalls += 1;
    }
  };
  const images: OwnedImage[] = [];
  await tolerate(async () => {
    for await (const page of ownedImagePages(ec2)) images.push(...page);
  });
  const calls: (() => Promise<unknown>)[] = [
    () => tolerate(() => getImageBlockPublicAccess(ec2)),
    () => tolerate(() => getSnapshotBlockPublicAccess(ec2)),
    () => tolerate(() => listPublicSnapshots(ec2)),
  ];
  const snapshotIds = images.flatMap((image) => image.snapshotIds);
  for (let i = 0; i < snapshotIds.length; i += 200) {
    const batch = snapshotIds.slice(i, i + 200);
    calls.push(() => tolerate(() => describeSnapshotsById(ec2, batch)));
  }
  for (const image of images) {
    calls.push(async () => {
      await tolerate(() => getLaunchPermissions(ec2, image.id));
      for (const snapshotId of image.snapshotIds) await tolerate(() => getVolumePermissions(ec2, snapshotId));
    });
  }
  return { images, calls };
}

interface Read {
  readonly wallMs: number;
  /** Of which finding the accounts and regions (caller, organization, roles). */
  readonly setupMs: number;
  readonly images: number;
  readonly regions: number;
  readonly regionsRead: number;
  readonly heapMb: number;
}

async function readWithAmiguard(job: ReaderJob, session: AwsSession, meter: Meter): Promise<Read> {
  const started = performance.now();
  const inventory = await readInventory({
    session,
    scope: { regions: 'all', organization: true, role: ROLE },
    rate: { speed: job.speed, adaptive: job.variant === 'amiguard' },
    onCall: (call) => meter.record(call),
  });
  const wallMs = performance.now() - started;
  meter.failedCalls += inventory.failures.length;
  (globalThis as { gc?: () => void }).gc?.();
  const heapMb = process.memoryUsage().heapUsed / 1e6;
  // Read after the measurement, so that the inventory is still held when it is taken.
  const { images, accountRegions: regions } = inventory.stats;
  return { wallMs, setupMs: 0, images, regions: regions + inventory.failures.length, regionsRead: regions, heapMb };
}

/** The readers without a limiter: sequential, Custodian's chunks, or a pool of 10 workers per region. */
async function readWithoutLimiter(job: ReaderJob, session: AwsSession, meter: Meter): Promise<Read> {
  const started = performance.now();
  const clients = new AuditClients(session.options, new RateLimiter({ speed: Number.POSITIVE_INFINITY }), (call) => meter.record(call));
  const accounts = await openEstate(clients, clients.session());
  const all = accounts.flatMap(({ account, session: accountSession, regions: names }) =>
    names.map((region) => clients.ec2(accountSession, account, region)),
  );
  const regions = job.sample ? all.slice(0, 1) : all;
  const setupMs = performance.now() - started;
  let images = 0;
  if (job.variant === 'sequential') {
    for (const ec2 of regions) {
      const { images: listed, calls } = await regionCalls(ec2, meter);
      images += listed.length;
      for (const call of calls) await call();
    }
  } else {
    // Custodian (c7n/resources/ami.py, the cross-account filter): a thread pool of 2 over chunks
    // of 20 AMIs, each chunk read one call after another.
    const [workers, chunk] = job.variant === 'custodian' ? [2, 20] : [10, 1];
    await Promise.all(
      regions.map(async (ec2) => {
        const { images: listed, calls } = await regionCalls(ec2, meter);
        images += listed.length;
        let next = 0;
        const worker = async (): Promise<void> => {
          for (let at = next; at < calls.length; at = next) {
            next += chunk;
            for (const call of calls.slice(at, at + chunk)) await call();
          }
        };
        await Promise.all(Array.from({ length: workers }, worker));
      }),
    );
  }
  clients.destroy();
  return { wallMs: performance.now() - started, setupMs, images, regions: all.length, regionsRead: regions.length, heapMb: process.memoryUsage().heapUsed / 1e6 };
}

async function runReader(job: ReaderJob): Promise<void> {
  const meter = new Meter();
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 100);
  const session = new AwsSession({ endpoint: job.url, region: HOME, credentials: MANAGEMENT_CREDENTIALS });
  const read = job.variant.startsWith('amiguard') ? await readWithAmiguard(job, session, meter) : await readWithoutLimiter(job, session, meter);
  const result: ReaderResult = {
    variant: job.variant,
    ...read,
    attempts: meter.attempts,
    throttled: meter.throttled,
    failedCalls: meter.failedCalls,
    buckets: meter.buckets,
    lastBusyStartMs: meter.lastBusyStartMs(),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: peakHeap / 1e6,
  };
  clearInterval(sampler);
  session.destroy();
  process.send?.(result, () => process.disconnect());
}

// ---- orchestration ---------------------------------------------------------------------------

function child<T>(args: readonly string[], execArgv: readonly string[] = []): { process: ChildProcess; first: Promise<T> } {
  const proc = fork(SELF, [...args], { execArgv: [...process.execArgv, ...execArgv], stdio: ['ignore', 'inherit', 'ignore', 'ipc'] });
  const first = new Promise<T>((resolve, reject) => {
    proc.once('message', (message) => resolve(message as T));
    proc.once('exit', (code) => reject(new Error(`child ${args[0] ?? ''} exited with ${String(code)} before answering`)));
  });
  return { process: proc, first };
}

/** `heapLimitMb` caps the reader's old space (0: V8's default). */
async function measure(sandboxJob: SandboxJob, job: Omit<ReaderJob, 'url'>, heapLimitMb = 0): Promise<ReaderResult> {
  const sandbox = child<{ url: string }>(['sandbox', encode(sandboxJob)]);
  try {
    const { url } = await sandbox.first;
    const reader = child<ReaderResult>(
      ['reader', encode({ ...job, url } satisfies ReaderJob)],
      heapLimitMb > 0 ? [`--max-old-space-size=${heapLimitMb}`] : [],
    );
    const result = await reader.first;
    await new Promise((resolve) => reader.process.once('exit', resolve));
    return result;
  } finally {
    sandbox.process.disconnect();
  }
}

function lowerBoundMs(buckets: Readonly<Record<string, number>>, speed: number): number {
  // Every call of an audit is a filtered or per-resource read: the non-mutating class.
  return Math.max(0, ...Object.values(buckets).map((calls) => tokenBucketLowerBoundMs(calls, EC2_RATE_LIMITS['non-mutating'], speed)));
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? undefined : process.argv[at + 1];
  return value === undefined ? fallback : Number(value);
}

function readers(name: string, fallback: readonly Variant[]): Variant[] {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? [...fallback] : (process.argv[at + 1] ?? '').split(',').filter(isVariant);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One scenario's readers on the estate; `reference` is the wall time the ratio column divides by. */
async function scenario(
  title: string,
  sandboxJob: SandboxJob,
  speed: number,
  variants: readonly Variant[],
  fullSequential: boolean,
  reference: (results: ReadonlyMap<Variant, { result: ReaderResult; wallMs: number }>) => { label: string; ms: number },
): Promise<void> {
  console.log(`\n${title}`);
  const results = new Map<Variant, { result: ReaderResult; wallMs: number }>();
  for (const variant of variants) {
    const sample = variant === 'sequential' && !fullSequential;
    const result = await measure(sandboxJob, { variant, speed, sample });
    // The sequential reader's regions come one after another: its time is their sum.
    const scale = result.regions / Math.max(1, result.regionsRead);
    results.set(variant, { result, wallMs: result.setupMs + (result.wallMs - result.setupMs) * scale });
    console.log(`  ${variant}: done in ${seconds(result.wallMs)}`);
  }
  const { label, ms } = reference(results);
  const rows = [...results].map(([variant, { result, wallMs }]) => {
    const scale = result.regions / Math.max(1, result.regionsRead);
    return [
      scale === 1 ? variant : `${variant} (1 of ${result.regions} regions, x${scale})`,
      seconds(wallMs),
      ms > 0 ? (wallMs / ms).toFixed(3) : '-',
      (result.attempts / Math.max(1, result.images)).toFixed(3),
      String(result.throttled * scale),
      String(result.failedCalls * scale),
      String(result.images * scale),
      seconds(result.lastBusyStartMs),
      `${result.maxRssMb.toFixed(0)} MB`,
    ];
  });
  console.log(`  ${label}: ${seconds(ms)}`);
  printTable(['reader', 'wall', `x ${label}`, 'calls/AMI', 'throttled', 'failed', 'AMIs', 'last bucket from', 'peak RSS'], rows);
}

async function main(): Promise<void> {
  const speed = option('speed', 1);
  const latencyMs = option('latency', 50);
  const amis = option('amis', 10_000);
  const big = option('big', 100_000);
  const bigHeapMb = option('big-heap', 256);
  const fullSequential = process.argv.includes('--full-sequential');
  const which = process.argv[process.argv.indexOf('--scenario') + 1];
  const chosen = process.argv.includes('--scenario') ? which : 'both';
  const accounts = option('accounts', 2);
  const regionCount = option('regions', 4);
  const estate: GenerateEstateOptions = { accounts, regions: regionCount, amisPerRegion: Math.ceil(amis / (accounts * regionCount)) };
  console.log(
    `estate: ${accounts} accounts x ${regionCount} regions x ${estate.amisPerRegion} AMIs, each with a snapshot; ` +
      `${latencyMs} ms latency per request; amiguard's limiter starts at AWS's rates${speed === 1 ? '' : ` x ${speed}`}`,
  );

  if (chosen === 'aws' || chosen === 'both') {
    const variants = readers('aws-readers', ['amiguard', 'amiguard-fixed', 'custodian', 'sequential']);
    if (variants[0] !== 'amiguard') throw new Error('--aws-readers must start with amiguard: the lower bound comes from its calls');
    await scenario(
      `aws: the sandbox throttles at AWS's rates${speed === 1 ? '' : ` x ${speed}`}`,
      { estate, speed, latencyMs },
      speed,
      variants,
      fullSequential,
      (results) => ({ label: 'token-bucket bound', ms: lowerBoundMs(results.get('amiguard')?.result.buckets ?? {}, speed) }),
    );
  }
  if (chosen === 'open' || chosen === 'both') {
    const variants = readers('open-readers', ['amiguard', 'pool-10', 'amiguard-fixed', 'custodian']);
    await scenario(
      'open: the sandbox does not throttle',
      { estate, speed: Number.POSITIVE_INFINITY, latencyMs },
      speed,
      variants,
      fullSequential,
      (results) => ({ label: 'pool-10', ms: results.get('pool-10')?.wallMs ?? 0 }),
    );
  }

  if (big > 0) {
    const bigEstate: GenerateEstateOptions = { accounts: 1, regions: 1, amisPerRegion: big };
    const cap = bigHeapMb > 0 ? `, the reader's old space capped at ${bigHeapMb} MB` : '';
    console.log(`\nmemory: 1 account x 1 region x ${big} AMIs, the sandbox does not throttle, no latency; amiguard as in open${cap}`);
    const result = await measure(
      { estate: bigEstate, speed: Number.POSITIVE_INFINITY, latencyMs: 0 },
      { variant: 'amiguard', speed, sample: false },
      bigHeapMb,
    );
    printTable(
      ['reader', 'AMIs', 'wall', 'calls/s', 'calls/AMI', 'peak RSS', 'peak heap', 'heap with inventory'],
      [[
        'amiguard',
        String(result.images),
        seconds(result.wallMs),
        (result.attempts / (result.wallMs / 1000)).toFixed(0),
        (result.attempts / Math.max(1, result.images)).toFixed(3),
        `${result.maxRssMb.toFixed(0)} MB`,
        `${result.peakHeapMb.toFixed(0)} MB`,
        `${result.heapMb.toFixed(0)} MB`,
      ]],
    );
  }
}

function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

/** JSON for the child's argument; Infinity (a speed) survives the trip. */
function encode(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (item === Number.POSITIVE_INFINITY ? 'Infinity' : item));
}

function decode(text: string | undefined): unknown {
  return JSON.parse(text ?? '{}', (_key, item: unknown) => (item === 'Infinity' ? Number.POSITIVE_INFINITY : item));
}

const [mode, payload] = process.argv.slice(2);
if (mode === 'sandbox') await runSandbox(decode(payload) as SandboxJob);
else if (mode === 'reader') await runReader(decode(payload) as ReaderJob);
else await main();
