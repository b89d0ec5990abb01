import { UsageError } from '../../core/index.js';
import type { AuditProgress, AuditScope } from '../../audit/index.js';
import type { ParsedArgs } from '../args.js';
import type { Io } from '../io.js';

/** Which accounts and regions `audit` and `fix` read. */
export const ESTATE_OPTIONS = {
  regions: { type: 'string' },
  accounts: { type: 'string', multiple: true },
  organization: { type: 'boolean' },
  role: { type: 'string' },
  'external-id': { type: 'string' },
  // Paces requests for a sandbox started with --speed N: for benchmarks and tests, not in --help.
  'sandbox-speed': { type: 'string' },
  config: { type: 'string', short: 'c' },
  'allow-partial': { type: 'boolean' },
} as const;

export const ESTATE_HELP = `Scope:
  --regions R1,R2|all    regions to read (default: all regions enabled for each account)
  --accounts ID,...      these accounts (default: the credentials' own account)
  --organization         every ACTIVE account of the organization (from the management account)
  --role NAME            reach other accounts by assuming arn:aws:iam::<account>:role/NAME
  --external-id ID       the external id the role's trust policy asks for
  -c, --config FILE      policy file (default: amiguard.yaml in the current folder, if any)
  --allow-partial        go by what was read even when something could not be read (audit
                         exits 1 with findings, 3 with none: an incomplete run is never 0)`;

export function scopeFrom(parsed: ParsedArgs): AuditScope {
  const text = (name: string): string | undefined => {
    const value = parsed.values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const regionsArg = text('regions');
  const regions = regionsArg === undefined || regionsArg === 'all' ? 'all' : splitList(regionsArg);
  const accountValues = parsed.values['accounts'];
  const accounts = Array.isArray(accountValues) ? accountValues.flatMap((value) => (typeof value === 'string' ? splitList(value) : [])) : undefined;
  const organization = parsed.values['organization'] === true;
  const role = text('role');
  const externalId = text('external-id');
  if (externalId !== undefined && role === undefined) throw new UsageError('--external-id goes with --role');
  // The credentials' own account needs no role; the members of an organization do.
  if (organization && role === undefined) throw new UsageError('--organization needs --role NAME to reach the member accounts');
  return {
    regions,
    ...(accounts === undefined ? {} : { accounts }),
    ...(organization ? { organization } : {}),
    ...(role === undefined ? {} : { role }),
    ...(externalId === undefined ? {} : { externalId }),
  };
}

export function sandboxSpeed(parsed: ParsedArgs): number | undefined {
  const raw = parsed.values['sandbox-speed'];
  if (raw === undefined) return undefined;
  const speed = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(speed) || speed <= 0) throw new UsageError(`--sandbox-speed must be a positive number; got "${String(raw)}"`);
  return speed;
}

function splitList(text: string): string[] {
  return text.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

/** A one-line progress display on a terminal; nothing when stderr is a file or a pipe. */
export function progressReporter(io: Io): { onProgress?: (progress: AuditProgress) => void; done: () => void } {
  if (!io.stderr.isTTY) return { done: () => undefined };
  let shown = false;
  return {
    onProgress: (progress) => {
      shown = true;
      io.stderr.write(
        `\r\u001b[Kaccounts ${progress.accounts.done}/${progress.accounts.total}  account-regions ${progress.regions.done}/${progress.regions.total}  AMIs ${progress.images}  ${Math.round(progress.callsPerSecond)} calls/s${progress.throttled > 0 ? `  throttled ${progress.throttled}` : ''}`,
      );
    },
    done: () => {
      if (shown) io.stderr.write('\r\u001b[K');
    },
  };
}
