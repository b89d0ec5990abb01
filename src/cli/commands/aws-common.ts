import { UsageError, parseGrantee, type Grantee } from '../../core/index.js';
import { checkProfile } from '../../aws/profiles.js';
import { checkRegion } from '../../aws/regions.js';
import { AwsSession } from '../../aws/session.js';
import type { ImageSelection } from '../../manage/select.js';
import type { ParsedArgs } from '../args.js';
import type { Io } from '../io.js';

/** Options every AWS command takes. */
export const AWS_OPTIONS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;

export const AWS_OPTIONS_HELP = `AWS options:
  --region REGION      the region (default: AWS_REGION or your profile's region)
  --profile NAME       a named profile from your AWS config
  --endpoint-url URL   another EC2 endpoint, e.g. the local sandbox (also AWS_ENDPOINT_URL)`;

export const SELECTION_OPTIONS = {
  name: { type: 'string' },
  regions: { type: 'string' },
} as const;

export const SELECTION_HELP = `Selecting AMIs:
  AMI_ID...            AMIs by id, in --region
  --name PATTERN       AMIs this account owns whose name matches (* and ? wildcards)
  --regions R1,R2|all  with --name: look in these regions (all = every enabled region)`;

export function sessionFrom(parsed: ParsedArgs, io: Io): AwsSession {
  const text = (name: string): string | undefined => {
    const value = parsed.values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const region = text('region') ?? io.env['AWS_REGION'] ?? io.env['AWS_DEFAULT_REGION'];
  const profile = text('profile');
  const endpoint = text('endpoint-url');
  if (endpoint !== undefined) checkEndpoint(endpoint);
  const namedProfile = profile ?? io.env['AWS_PROFILE'];
  if (namedProfile !== undefined && namedProfile !== '') checkProfile(namedProfile, io.env);
  return new AwsSession({
    ...(region === undefined ? {} : { region }),
    ...(profile === undefined ? {} : { profile }),
    ...(endpoint === undefined ? {} : { endpoint }),
  });
}

/** The session, after checking up front that a --region given is a region (see src/aws/regions.ts). */
export async function openSession(parsed: ParsedArgs, io: Io): Promise<AwsSession> {
  const session = sessionFrom(parsed, io);
  const region = parsed.values['region'];
  if (typeof region !== 'string') return session;
  try {
    await checkRegion(session, region);
  } catch (error) {
    session.destroy();
    throw error;
  }
  return session;
}

/** An endpoint is a URL with its scheme (`http://127.0.0.1:4566`), as the AWS CLI's --endpoint-url. */
function checkEndpoint(endpoint: string): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new UsageError(`--endpoint-url "${endpoint}" is not an http or https URL`, `write it with its scheme, e.g. --endpoint-url http://${endpoint.replace(/^[a-z]+:\/\//i, '')}`);
  }
}

export function selectionFrom(parsed: ParsedArgs): ImageSelection {
  const name = parsed.values['name'];
  const regions = parsed.values['regions'];
  return {
    ids: parsed.positionals,
    ...(typeof name === 'string' ? { namePattern: name } : {}),
    regions: typeof regions === 'string' ? regions.split(',').map((region) => region.trim()).filter((region) => region !== '') : [],
  };
}

/** `--account`, `--org` and `--ou` values, validated before any AWS call. */
export function granteesFrom(parsed: ParsedArgs): Grantee[] {
  const grantees: Grantee[] = [];
  const read = (option: string, syntax: 'account' | 'organization' | 'ou') => {
    const values = parsed.values[option];
    for (const raw of Array.isArray(values) ? values : []) {
      if (typeof raw !== 'string') continue;
      for (const part of raw.split(',').map((value) => value.trim()).filter((value) => value !== '')) {
        const result = parseGrantee(syntax, part);
        if (!result.ok) throw new UsageError(`--${option}: ${result.problem}`);
        grantees.push(result.grantee);
      }
    }
  };
  read('account', 'account');
  read('org', 'organization');
  read('ou', 'ou');
  return grantees;
}

export function snapshotAccountsFrom(parsed: ParsedArgs): string[] {
  const values = parsed.values['snapshot-account'];
  return (Array.isArray(values) ? values : []).flatMap((raw) => {
    if (typeof raw !== 'string') return [];
    return raw.split(',').map((value) => value.trim()).filter((value) => value !== '').map((id) => {
      const result = parseGrantee('account', id);
      if (!result.ok) throw new UsageError(`--snapshot-account: ${result.problem}`);
      return id;
    });
  });
}
