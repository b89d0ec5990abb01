import type {
  Estate,
  EstateAccount,
  EstateImage,
  EstateLaunchPermission,
  EstateOrganizationalUnit,
  EstateSnapshot,
} from './estate.js';
import { Random } from './random.js';

export interface GenerateEstateOptions {
  /** Accounts in the organization; the first is the management account. */
  readonly accounts: number;
  /** How many regions (taken from a fixed list of 16), or their names. */
  readonly regions: number | readonly string[];
  /** AMIs per account per region, each with one root snapshot. */
  readonly amisPerRegion: number;
  readonly seed?: number;
  /** OUs under the root; member accounts are spread over them. Default 2. */
  readonly organizationalUnits?: number;
  /** Shares (0..1) of AMIs shared each way; an AMI may get several. */
  readonly share?: {
    readonly public?: number;
    readonly organization?: number;
    readonly ou?: number;
    readonly memberAccount?: number;
    readonly outsideAccount?: number;
  };
  /** Share of snapshots encrypted; a third of those use the AWS managed key. Default 0.1. */
  readonly encrypted?: number;
}

const REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1',
  'eu-north-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'sa-east-1',
  'ca-central-1',
];

/**
 * A large, deterministic estate for benchmarks: `accounts` accounts in one organization, each
 * with `amisPerRegion` AMIs in every region. Account `i` (from 0) has the id `2000000000 + i`
 * padded to 12 digits and the access key `AKIAGENERATED` + `i` padded to 7 digits, secret
 * `generated-secret-<i>`; members trust the management account for `AmiguardAuditRole`.
 */
export function generateEstate(options: GenerateEstateOptions): Estate {
  const { amisPerRegion } = options;
  if (!Number.isInteger(options.accounts) || options.accounts < 1 || options.accounts > 9_999_999) {
    throw new RangeError('accounts must be a whole number between 1 and 9999999');
  }
  if (!Number.isInteger(amisPerRegion) || amisPerRegion < 0) throw new RangeError('amisPerRegion must be a whole number');
  const regions = typeof options.regions === 'number' ? REGIONS.slice(0, options.regions) : [...options.regions];
  if (regions.length === 0) throw new RangeError('at least one region is needed');
  const random = new Random(options.seed ?? 1);
  const share = options.share ?? {};
  const encryptedShare = options.encrypted ?? 0.1;
  const accountIds = Array.from({ length: options.accounts }, (_, i) => String(2_000_000_000 + i).padStart(12, '0'));
  const management = accountIds[0] ?? '';
  const orgId = `o-gen${random.chars(10, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
  const rootId = 'r-gen1';
  const ous: EstateOrganizationalUnit[] = [];
  const ouCount = Math.max(1, options.organizationalUnits ?? 2);
  const ouMembers: string[][] = Array.from({ length: ouCount }, () => []);
  accountIds.slice(1).forEach((id, i) => ouMembers[i % ouCount]?.push(id));
  ouMembers.forEach((members, i) => ous.push({ id: `ou-gen1-${String(i).padStart(8, '0')}`, name: `OU ${i}`, accounts: members }));
  const orgArn = `arn:aws:organizations::${management}:organization/${orgId}`;
  const ouArns = ous.map((ou) => `arn:aws:organizations::${management}:ou/${orgId}/${ou.id}`);
  const usedIds = new Set<string>();
  const newId = (prefix: string): string => {
    for (;;) {
      const id = `${prefix}-0${random.hex(16)}`;
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };

  const accounts = accountIds.map((accountId, index): EstateAccount => {
    const images: EstateImage[] = [];
    const snapshots: EstateSnapshot[] = [];
    for (const region of regions) {
      for (let n = 0; n < amisPerRegion; n += 1) {
        const snapshotId = newId('snap');
        const encrypted = random.next() < encryptedShare;
        snapshots.push(
          encrypted
            ? { id: snapshotId, region, encrypted, kmsKeyId: random.next() < 1 / 3 ? 'aws/ebs' : `arn:aws:kms:${region}:${accountId}:key/generated-${index}` }
            : { id: snapshotId, region },
        );
        const permissions: EstateLaunchPermission[] = [];
        if (random.next() < (share.public ?? 0.01)) permissions.push({ group: 'all' });
        if (random.next() < (share.organization ?? 0.1)) permissions.push({ organizationArn: orgArn });
        const ouArn = random.pick(ouArns);
        if (random.next() < (share.ou ?? 0.05)) permissions.push({ organizationalUnitArn: ouArn });
        if (random.next() < (share.memberAccount ?? 0.1)) permissions.push({ userId: random.pick(accountIds) });
        if (random.next() < (share.outsideAccount ?? 0.02)) permissions.push({ userId: String(random.int(100_000_000_000, 999_999_999_999)) });
        images.push({
          id: newId('ami'),
          region,
          name: `app-${index}-${n}-${2020 + (n % 5)}.${String(1 + (n % 12)).padStart(2, '0')}`,
          creationDate: new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString(),
          blockDevices: [{ deviceName: '/dev/xvda', snapshotId }],
          ...(permissions.length > 0 ? { launchPermissions: permissions } : {}),
        });
      }
    }
    return {
      id: accountId,
      name: index === 0 ? 'management' : `member-${index}`,
      accessKeys: [{ accessKeyId: `AKIAGENERATED${String(index).padStart(7, '0')}`, secretAccessKey: `generated-secret-${index}` }],
      roles: index === 0 ? [] : [{ name: 'AmiguardAuditRole', trustedAccounts: [management] }],
      images,
      snapshots,
    };
  });

  return {
    regions: regions.map((name) => ({ name })),
    accounts,
    organization: { id: orgId, managementAccountId: management, rootId, accounts: [management], organizationalUnits: ous },
  };
}
