import type {
  Estate,
  EstateLaunchPermission,
  EstateOrganizationalUnit,
  EstateRole,
  EstateVolumePermission,
  ImageBlockPublicAccessState,
  ImageState,
  ManagedBy,
  SnapshotBlockPublicAccessState,
} from './estate.js';
import { ORGANIZATION_ARN, OU_ARN, validateEstate } from './estate.js';
import { Random, hash32 } from './random.js';

/** Who sent a request: the IAM user of an access key, or a role session from sts:AssumeRole. */
export interface Principal {
  readonly accessKeyId: string;
  readonly accountId: string;
  readonly arn: string;
  /** `AIDA...` for a user, `AROA...:<session>` for a role session, as GetCallerIdentity's UserId. */
  readonly userId: string;
  /** What requests of this access key must be signed with (SigV4). */
  readonly secretAccessKey: string;
  readonly denyActions: readonly string[];
  /** Role sessions only: the token that must accompany the access key. */
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface ImageRecord {
  readonly id: string;
  readonly ownerId: string;
  readonly region: string;
  readonly name: string;
  description: string | undefined;
  state: ImageState;
  readonly creationDate: string;
  readonly deprecationTime: string | undefined;
  readonly architecture: string;
  readonly platform: string | undefined;
  readonly ownerAlias: string | undefined;
  readonly tags: ReadonlyMap<string, string>;
  readonly productCodes: readonly { readonly id: string; readonly type: string }[];
  readonly blockDevices: readonly { readonly deviceName: string; readonly snapshotId: string }[];
  /** Keyed by `permissionKey`, in the order the entries were added. */
  readonly launchPermissions: Map<string, EstateLaunchPermission>;
  readonly sourceImageId: string | undefined;
  readonly sourceImageRegion: string | undefined;
}

export interface SnapshotRecord {
  readonly id: string;
  readonly ownerId: string;
  readonly region: string;
  readonly volumeId: string;
  readonly volumeSize: number;
  readonly description: string | undefined;
  readonly startTime: string;
  readonly encrypted: boolean;
  /** The key ARN as AWS reports it; for the AWS managed key, that key's ARN. */
  readonly kmsKeyId: string | undefined;
  /** Encrypted with the AWS managed key aws/ebs, which cannot be shared. */
  readonly defaultKey: boolean;
  readonly tags: ReadonlyMap<string, string>;
  readonly createVolumePermissions: Map<string, EstateVolumePermission>;
}

export interface AccountRecord {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly enabledRegions: ReadonlySet<string>;
  readonly roles: ReadonlyMap<string, EstateRole>;
  readonly publicImageQuota: number;
  readonly joinedTimestamp: Date;
}

export interface BlockPublicAccessRecord {
  images: ImageBlockPublicAccessState;
  readonly imagesManagedBy: ManagedBy;
  snapshots: SnapshotBlockPublicAccessState;
  readonly snapshotsManagedBy: ManagedBy;
}

export interface OrganizationalUnitRecord {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly parentId: string;
}

export interface OrganizationRecord {
  readonly id: string;
  readonly arn: string;
  readonly managementAccountId: string;
  readonly rootId: string;
  readonly rootArn: string;
  readonly units: ReadonlyMap<string, OrganizationalUnitRecord>;
  /** The parent (root or OU id) of each member account, in the estate's order. */
  readonly accountParents: ReadonlyMap<string, string>;
}

/** `user:<id>`, `group:all`, `organization:<arn>`, `ou:<arn>`: one key per distinct entry. */
export function permissionKey(entry: EstateLaunchPermission): string {
  if ('userId' in entry) return `user:${entry.userId}`;
  if ('group' in entry) return `group:${entry.group}`;
  if ('organizationArn' in entry) return `organization:${entry.organizationArn}`;
  return `ou:${entry.organizationalUnitArn}`;
}

const DEFAULT_CREATION_DATE = '2024-01-15T10:00:00.000Z';

/**
 * The sandbox's live state, built from an estate: what DescribeImages and friends read and
 * what ModifyImageAttribute and friends change. Ids missing from the estate are generated from
 * the seed, so that a given estate and seed always give the same ids.
 */
export class World {
  readonly regions: ReadonlyMap<string, { readonly optIn: boolean }>;
  readonly accounts = new Map<string, AccountRecord>();
  readonly principals = new Map<string, Principal>();
  readonly images = new Map<string, ImageRecord>();
  readonly snapshots = new Map<string, SnapshotRecord>();
  readonly organization: OrganizationRecord | undefined;
  private readonly imagesByRegion = new Map<string, ImageRecord[]>();
  private readonly snapshotsByRegion = new Map<string, SnapshotRecord[]>();
  private readonly blockPublicAccess = new Map<string, BlockPublicAccessRecord>();
  /** `account/region` where the estate has a public AMI: what the default of block public access for AMIs is decided by. */
  private readonly publicAtStart = new Set<string>();
  /** For each member account, the OU ids from the root down to its parent. */
  private readonly ouPaths = new Map<string, readonly string[]>();
  private readonly random: Random;

  constructor(estate: Estate, seed: number) {
    validateEstate(estate);
    this.random = new Random(seed);
    this.regions = new Map(estate.regions.map((region) => [region.name, { optIn: region.optIn ?? false }]));
    this.organization = estate.organization === undefined ? undefined : this.buildOrganization(estate);

    for (const account of estate.accounts) {
      const enabled = new Set(estate.regions.filter((region) => region.optIn !== true).map((region) => region.name));
      for (const region of account.optInRegions ?? []) enabled.add(region);
      this.accounts.set(account.id, {
        id: account.id,
        name: account.name,
        email: account.email ?? `${account.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com`,
        enabledRegions: enabled,
        roles: new Map((account.roles ?? []).map((role) => [role.name, role])),
        publicImageQuota: account.publicImageQuota ?? 5,
        joinedTimestamp: new Date(Date.UTC(2023, 0, 1 + (hash32(account.id) % 300))),
      });
      for (const key of account.accessKeys ?? []) {
        const userName = key.userName ?? 'sandbox-user';
        this.principals.set(key.accessKeyId, {
          accessKeyId: key.accessKeyId,
          accountId: account.id,
          arn: `arn:aws:iam::${account.id}:user/${userName}`,
          userId: `AIDA${stableChars(`${account.id}/${userName}`, 17)}`,
          secretAccessKey: key.secretAccessKey,
          denyActions: key.denyActions ?? [],
        });
      }
      for (const snapshot of account.snapshots ?? []) {
        const encrypted = snapshot.encrypted ?? false;
        const defaultKey = encrypted && (snapshot.kmsKeyId === undefined || snapshot.kmsKeyId === 'aws/ebs');
        const record: SnapshotRecord = {
          id: snapshot.id,
          ownerId: account.id,
          region: snapshot.region,
          volumeId: `vol-${stableHex(snapshot.id, 17)}`,
          volumeSize: snapshot.volumeSize ?? 8,
          description: snapshot.description,
          startTime: snapshot.startTime ?? DEFAULT_CREATION_DATE,
          encrypted,
          kmsKeyId: !encrypted
            ? undefined
            : defaultKey
              ? awsManagedKeyArn(account.id, snapshot.region)
              : snapshot.kmsKeyId,
          defaultKey,
          tags: new Map(Object.entries(snapshot.tags ?? {})),
          createVolumePermissions: new Map(
            (snapshot.createVolumePermissions ?? []).map((entry) => [permissionKey(entry), entry]),
          ),
        };
        this.snapshots.set(record.id, record);
        listFor(this.snapshotsByRegion, record.region).push(record);
      }
      for (const image of account.images ?? []) {
        const record: ImageRecord = {
          id: image.id ?? this.newId('ami'),
          ownerId: account.id,
          region: image.region,
          name: image.name,
          description: image.description,
          state: image.state ?? 'available',
          creationDate: image.creationDate ?? DEFAULT_CREATION_DATE,
          deprecationTime: image.deprecationTime,
          architecture: image.architecture ?? 'x86_64',
          platform: image.platform,
          ownerAlias: image.ownerAlias,
          tags: new Map(Object.entries(image.tags ?? {})),
          productCodes: image.productCodes ?? [],
          blockDevices: image.blockDevices ?? [],
          launchPermissions: new Map((image.launchPermissions ?? []).map((entry) => [permissionKey(entry), entry])),
          sourceImageId: image.sourceImageId,
          sourceImageRegion: image.sourceImageRegion,
        };
        this.images.set(record.id, record);
        listFor(this.imagesByRegion, record.region).push(record);
        if (this.isPublic(record)) this.publicAtStart.add(`${record.ownerId}/${record.region}`);
      }
      for (const bpa of account.blockPublicAccess ?? []) {
        this.blockPublicAccess.set(`${account.id}/${bpa.region}`, {
          images: bpa.images ?? this.defaultImageBlockPublicAccess(account.id, bpa.region),
          imagesManagedBy: bpa.imagesManagedBy ?? 'account',
          snapshots: bpa.snapshots ?? 'unblocked',
          snapshotsManagedBy: bpa.snapshotsManagedBy ?? 'account',
        });
      }
    }
    for (const list of this.imagesByRegion.values()) list.sort((a, b) => compare(a.id, b.id));
    for (const list of this.snapshotsByRegion.values()) list.sort((a, b) => compare(a.id, b.id));
  }

  /** The images of a region, sorted by id (the order of DescribeImages pages). */
  imagesIn(region: string): readonly ImageRecord[] {
    return this.imagesByRegion.get(region) ?? [];
  }

  snapshotsIn(region: string): readonly SnapshotRecord[] {
    return this.snapshotsByRegion.get(region) ?? [];
  }

  blockPublicAccessOf(accountId: string, region: string): BlockPublicAccessRecord {
    const key = `${accountId}/${region}`;
    let record = this.blockPublicAccess.get(key);
    if (record === undefined) {
      record = {
        images: this.defaultImageBlockPublicAccess(accountId, region),
        imagesManagedBy: 'account',
        snapshots: 'unblocked',
        snapshotsManagedBy: 'account',
      };
      this.blockPublicAccess.set(key, record);
    }
    return record;
  }

  /** True when the account may launch the image because of a launch permission (not ownership). */
  isSharedWith(image: ImageRecord, accountId: string): boolean {
    for (const entry of image.launchPermissions.values()) {
      if ('group' in entry) return true;
      if ('userId' in entry && entry.userId === accountId) return true;
      if ('organizationArn' in entry && this.isInOrganization(accountId, entry.organizationArn)) return true;
      if ('organizationalUnitArn' in entry && this.isInOu(accountId, entry.organizationalUnitArn)) return true;
    }
    return false;
  }

  isPublic(image: ImageRecord): boolean {
    return image.launchPermissions.has('group:all');
  }

  /** Whether the account can see the image at all (DescribeImages, error codes of the attribute calls). */
  canSeeImage(image: ImageRecord, accountId: string): boolean {
    if (image.ownerId === accountId) return true;
    return image.state !== 'disabled' && this.isSharedWith(image, accountId);
  }

  /**
   * Whether another account sees the snapshot. With block public access in block-all-sharing
   * mode, public snapshots are treated as private without their attribute changing. See
   * https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html
   */
  canSeeSnapshot(snapshot: SnapshotRecord, accountId: string): boolean {
    if (snapshot.ownerId === accountId) return true;
    if (snapshot.createVolumePermissions.has(`user:${accountId}`)) return true;
    return this.isEffectivelyPublic(snapshot);
  }

  isEffectivelyPublic(snapshot: SnapshotRecord): boolean {
    return (
      snapshot.createVolumePermissions.has('group:all') &&
      this.blockPublicAccessOf(snapshot.ownerId, snapshot.region).snapshots !== 'block-all-sharing'
    );
  }

  isInOrganization(accountId: string, organizationArn: string): boolean {
    const match = ORGANIZATION_ARN.exec(organizationArn);
    const org = this.organization;
    return (
      org !== undefined &&
      match !== null &&
      match[1] === org.managementAccountId &&
      match[2] === org.id &&
      org.accountParents.has(accountId)
    );
  }

  /** Sharing with an OU reaches the accounts of every OU under it too. */
  isInOu(accountId: string, ouArn: string): boolean {
    const match = OU_ARN.exec(ouArn);
    const org = this.organization;
    if (org === undefined || match === null || match[1] !== org.managementAccountId || match[2] !== org.id) return false;
    const ouId = match[3];
    return ouId !== undefined && (this.ouPaths.get(accountId) ?? []).includes(ouId);
  }

  /** OU ids from the root down to the account's parent, for Organizations' Paths. */
  ouPathOf(accountId: string): readonly string[] {
    return this.ouPaths.get(accountId) ?? [];
  }

  /** Adds a principal for a role session (sts:AssumeRole) and returns it. */
  addSession(accountId: string, roleName: string, sessionName: string, expiration: Date, denyActions: readonly string[]): Principal & {
    readonly sessionToken: string;
  } {
    const accessKeyId = `ASIA${this.random.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    const session = {
      accessKeyId,
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      userId: `AROA${stableChars(`${accountId}/${roleName}`, 17)}:${sessionName}`,
      denyActions,
      secretAccessKey: this.random.chars(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
      sessionToken: `sandbox/${this.random.chars(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`,
      expiration,
    };
    this.principals.set(accessKeyId, session);
    return session;
  }

  private newId(prefix: 'ami' | 'snap'): string {
    for (;;) {
      const id = `${prefix}-0${this.random.hex(16)}`;
      if (!this.images.has(id) && !this.snapshots.has(id)) return id;
    }
  }

  /**
   * AWS enables block public access for AMIs by default, except for accounts that had a public
   * AMI in the region. See the table in
   * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-public-access-to-amis.html
   * AWS decided it once, from the AMIs public then; here, from the estate's. (It was decided when
   * a region's record was first made, which a listing of another account's snapshots could do:
   * an answer that depended on how far earlier listings had read.)
   */
  private defaultImageBlockPublicAccess(accountId: string, region: string): ImageBlockPublicAccessState {
    return this.publicAtStart.has(`${accountId}/${region}`) ? 'unblocked' : 'block-new-sharing';
  }

  private buildOrganization(estate: Estate): OrganizationRecord {
    const org = estate.organization;
    if (org === undefined) throw new Error('buildOrganization needs an organization');
    const prefix = `arn:aws:organizations::${org.managementAccountId}`;
    const units = new Map<string, OrganizationalUnitRecord>();
    const accountParents = new Map<string, string>();
    const walk = (list: readonly EstateOrganizationalUnit[] | undefined, parentId: string, path: readonly string[]): void => {
      for (const ou of list ?? []) {
        units.set(ou.id, { id: ou.id, name: ou.name, arn: `${prefix}:ou/${org.id}/${ou.id}`, parentId });
        const ouPath = [...path, ou.id];
        for (const account of ou.accounts ?? []) {
          accountParents.set(account, ou.id);
          this.ouPaths.set(account, ouPath);
        }
        walk(ou.organizationalUnits, ou.id, ouPath);
      }
    };
    for (const account of org.accounts ?? []) {
      accountParents.set(account, org.rootId);
      this.ouPaths.set(account, []);
    }
    walk(org.organizationalUnits, org.rootId, []);
    return {
      id: org.id,
      arn: `${prefix}:organization/${org.id}`,
      managementAccountId: org.managementAccountId,
      rootId: org.rootId,
      rootArn: `${prefix}:root/${org.id}/${org.rootId}`,
      units,
      accountParents,
    };
  }
}

function listFor<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  return list;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stableHex(seed: string, length: number): string {
  return new Random(hash32(seed)).hex(length);
}

function stableChars(seed: string, length: number): string {
  return new Random(hash32(seed)).chars(length, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
}

/** The ARN of an account's aws/ebs key in a region, stable for the account and region. */
export function awsManagedKeyArn(accountId: string, region: string): string {
  const hex = stableHex(`aws/ebs/${accountId}/${region}`, 32);
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return `arn:aws:kms:${region}:${accountId}:key/${uuid}`;
}
