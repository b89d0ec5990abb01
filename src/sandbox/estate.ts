import { parse as parseYaml } from 'yaml';
import { AmiguardError, MAX_INPUT_BYTES, tryReadInputFile } from '../core/index.js';

/**
 * What the sandbox serves: accounts with their credentials, roles, AMIs and snapshots per
 * region, an organization, and block public access settings. Written as YAML or JSON (see
 * `loadEstate`) or built in code (`SAMPLE_ESTATE`, `generateEstate`). Field names follow AWS's
 * own where there is one (`launchPermissions: [{ userId }]`, `kmsKeyId`).
 */
export interface Estate {
  /** Every region the sandbox serves. An `optIn` region is enabled only for accounts that list it. */
  readonly regions: readonly EstateRegion[];
  readonly accounts: readonly EstateAccount[];
  readonly organization?: EstateOrganization;
}

export interface EstateRegion {
  readonly name: string;
  /** Like af-south-1: disabled until an account opts in (`EstateAccount.optInRegions`). */
  readonly optIn?: boolean;
}

export interface EstateAccount {
  readonly id: string;
  readonly name: string;
  readonly email?: string;
  readonly accessKeys?: readonly EstateAccessKey[];
  readonly roles?: readonly EstateRole[];
  /** The opt-in regions this account has enabled. */
  readonly optInRegions?: readonly string[];
  readonly images?: readonly EstateImage[];
  readonly snapshots?: readonly EstateSnapshot[];
  readonly blockPublicAccess?: readonly EstateBlockPublicAccess[];
  /** Public AMIs allowed per region (AWS's default quota is 5). */
  readonly publicImageQuota?: number;
}

/** Long-term credentials of an IAM user of the account. */
export interface EstateAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The IAM user name, for ARNs (`arn:aws:iam::<account>:user/<userName>`); default `sandbox-user`. */
  readonly userName?: string;
  /** IAM actions this principal is denied, with `*` wildcards: `ec2:Modify*`, `organizations:*`. */
  readonly denyActions?: readonly string[];
}

/** A role that principals of `trustedAccounts` may assume with sts:AssumeRole. */
export interface EstateRole {
  readonly name: string;
  readonly trustedAccounts: readonly string[];
  /** Seconds, 3600 to 43200 (AWS's default is 3600). */
  readonly maxSessionDuration?: number;
  readonly denyActions?: readonly string[];
}

export type ImageState = 'available' | 'pending' | 'failed' | 'disabled' | 'error';

export interface EstateImage {
  /** `ami-` + 17 hex characters; generated from the seed when absent. */
  readonly id?: string;
  readonly region: string;
  readonly name: string;
  readonly description?: string;
  readonly state?: ImageState;
  /** ISO 8601 timestamp. */
  readonly creationDate?: string;
  readonly deprecationTime?: string;
  readonly architecture?: 'x86_64' | 'arm64' | 'i386';
  readonly platform?: 'windows';
  readonly ownerAlias?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly productCodes?: readonly EstateProductCode[];
  readonly blockDevices?: readonly EstateBlockDevice[];
  readonly launchPermissions?: readonly EstateLaunchPermission[];
  /** Where a regional copy came from (CopyImage). Launch permissions are not copied. */
  readonly sourceImageId?: string;
  readonly sourceImageRegion?: string;
}

export interface EstateProductCode {
  readonly id: string;
  readonly type: 'marketplace' | 'devpay';
}

export interface EstateBlockDevice {
  readonly deviceName: string;
  /** A snapshot of the same account and region, listed in `snapshots`. */
  readonly snapshotId: string;
}

/** Exactly one of the four fields, as in https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchPermission.html */
export type EstateLaunchPermission =
  | { readonly userId: string }
  | { readonly group: 'all' }
  | { readonly organizationArn: string }
  | { readonly organizationalUnitArn: string };

export type EstateVolumePermission = { readonly userId: string } | { readonly group: 'all' };

export interface EstateSnapshot {
  /** `snap-` + 17 hex characters. */
  readonly id: string;
  readonly region: string;
  readonly volumeSize?: number;
  readonly description?: string;
  readonly startTime?: string;
  readonly encrypted?: boolean;
  /** `aws/ebs` for the AWS managed key (cannot be shared) or a customer managed key ARN. */
  readonly kmsKeyId?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly createVolumePermissions?: readonly EstateVolumePermission[];
}

export type ImageBlockPublicAccessState = 'block-new-sharing' | 'unblocked';
export type SnapshotBlockPublicAccessState = 'block-all-sharing' | 'block-new-sharing' | 'unblocked';
export type ManagedBy = 'account' | 'declarative-policy';

/**
 * Block public access in one region. Without an entry, images follow AWS's defaults (blocked,
 * except in a region where the account has a public AMI) and snapshots are unblocked. See
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-public-access-to-amis.html
 */
export interface EstateBlockPublicAccess {
  readonly region: string;
  readonly images?: ImageBlockPublicAccessState;
  readonly imagesManagedBy?: ManagedBy;
  readonly snapshots?: SnapshotBlockPublicAccessState;
  readonly snapshotsManagedBy?: ManagedBy;
}

export interface EstateOrganization {
  /** `o-` + 10 to 32 lowercase letters or digits. */
  readonly id: string;
  readonly managementAccountId: string;
  /** `r-` + 4 to 32 lowercase letters or digits. */
  readonly rootId: string;
  /** Accounts directly under the root (the management account is always a member). */
  readonly accounts?: readonly string[];
  readonly organizationalUnits?: readonly EstateOrganizationalUnit[];
}

export interface EstateOrganizationalUnit {
  /** `ou-<root suffix>-<8 to 32 lowercase letters or digits>`. */
  readonly id: string;
  readonly name: string;
  readonly accounts?: readonly string[];
  readonly organizationalUnits?: readonly EstateOrganizationalUnit[];
}

export const ACCOUNT_ID = /^\d{12}$/;
export const IMAGE_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
export const SNAPSHOT_ID = /^snap-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
export const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
export const OU_ID = /^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;
export const ORGANIZATION_ARN = /^arn:aws[a-z-]*:organizations::(\d{12}):organization\/(o-[a-z0-9]{10,32})$/;
export const OU_ARN = /^arn:aws[a-z-]*:organizations::(\d{12}):ou\/(o-[a-z0-9]{10,32})\/(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})$/;
const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key|alias)\/.+$/;
const REGION_NAME = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const IMAGE_STATES: readonly string[] = ['available', 'pending', 'failed', 'disabled', 'error'];

/** Reads an estate file: `.json` as JSON, anything else as YAML (a superset of JSON). */
export function loadEstate(path: string): Estate {
  const read = tryReadInputFile(path, MAX_INPUT_BYTES.estate);
  if (!read.ok) throw new AmiguardError('SANDBOX', `cannot read the estate file ${path}: ${read.reason}`);
  const text = read.bytes.toString('utf8');
  let data: unknown;
  try {
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AmiguardError('SANDBOX', `${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${reason}`, {
      cause: error,
    });
  }
  return validateEstate(data, path);
}

/**
 * Checks an estate from a file or from code and returns it typed. Every problem names the field
 * (`accounts[1].images[0].launchPermissions[2].userId`); the first one found is thrown.
 */
export function validateEstate(data: unknown, source = 'estate'): Estate {
  new EstateValidator(source).check(data);
  return data as Estate;
}

type Json = Record<string, unknown>;

class EstateValidator {
  private readonly source: string;
  private readonly imageIds = new Set<string>();
  private readonly accessKeys = new Set<string>();

  constructor(source: string) {
    this.source = source;
  }

  check(data: unknown): void {
    const estate = this.object(data, '');
    this.only(estate, '', ['regions', 'accounts', 'organization']);
    const regions = this.array(estate['regions'], 'regions');
    const regionNames = new Map<string, boolean>();
    regions.forEach((item, i) => {
      const at = `regions[${i}]`;
      const region = this.object(item, at);
      this.only(region, at, ['name', 'optIn']);
      const name = this.string(region['name'], `${at}.name`, REGION_NAME, 'a region name like us-east-1');
      if (regionNames.has(name)) this.fail(`${at}.name`, `region ${name} is listed twice`);
      regionNames.set(name, this.optionalBoolean(region['optIn'], `${at}.optIn`) ?? false);
    });
    if (regionNames.size === 0) this.fail('regions', 'at least one region is needed');

    const accounts = this.array(estate['accounts'], 'accounts');
    const accountIds = new Set<string>();
    accounts.forEach((item, i) => {
      const id = this.object(item, `accounts[${i}]`)['id'];
      const checked = this.string(id, `accounts[${i}].id`, ACCOUNT_ID, 'an account id of 12 digits');
      if (accountIds.has(checked)) this.fail(`accounts[${i}].id`, `account ${checked} is listed twice`);
      accountIds.add(checked);
    });
    accounts.forEach((item, i) => this.account(this.object(item, `accounts[${i}]`), `accounts[${i}]`, regionNames));

    if (estate['organization'] !== undefined) this.organization(estate['organization'], accountIds);
  }

  private account(account: Json, at: string, regions: ReadonlyMap<string, boolean>): void {
    this.only(account, at, [
      'id', 'name', 'email', 'accessKeys', 'roles', 'optInRegions', 'images', 'snapshots',
      'blockPublicAccess', 'publicImageQuota',
    ]);
    this.string(account['name'], `${at}.name`);
    if (account['email'] !== undefined) this.string(account['email'], `${at}.email`);
    if (account['publicImageQuota'] !== undefined) this.count(account['publicImageQuota'], `${at}.publicImageQuota`);

    this.optionalArray(account['accessKeys'], `${at}.accessKeys`).forEach((item, i) => {
      const keyAt = `${at}.accessKeys[${i}]`;
      const key = this.object(item, keyAt);
      this.only(key, keyAt, ['accessKeyId', 'secretAccessKey', 'userName', 'denyActions']);
      const id = this.string(key['accessKeyId'], `${keyAt}.accessKeyId`, ACCESS_KEY_ID, 'AKIA followed by 16 capital letters or digits');
      if (this.accessKeys.has(id)) this.fail(`${keyAt}.accessKeyId`, `access key ${id} is used twice`);
      this.accessKeys.add(id);
      this.string(key['secretAccessKey'], `${keyAt}.secretAccessKey`);
      if (key['userName'] !== undefined) this.string(key['userName'], `${keyAt}.userName`, /^[\w+=,.@-]{1,64}$/, 'an IAM user name');
      this.stringArray(key['denyActions'], `${keyAt}.denyActions`, /^[a-z0-9-]+:[A-Za-z*?]+$/, 'an IAM action like ec2:ModifyImageAttribute');
    });

    this.optionalArray(account['roles'], `${at}.roles`).forEach((item, i) => {
      const roleAt = `${at}.roles[${i}]`;
      const role = this.object(item, roleAt);
      this.only(role, roleAt, ['name', 'trustedAccounts', 'maxSessionDuration', 'denyActions']);
      this.string(role['name'], `${roleAt}.name`, /^[\w+=,.@-]{1,64}$/, 'an IAM role name');
      this.stringArray(role['trustedAccounts'], `${roleAt}.trustedAccounts`, ACCOUNT_ID, 'an account id of 12 digits');
      if (role['maxSessionDuration'] !== undefined) {
        const seconds = this.count(role['maxSessionDuration'], `${roleAt}.maxSessionDuration`);
        if (seconds < 3600 || seconds > 43200) this.fail(`${roleAt}.maxSessionDuration`, 'must be between 3600 and 43200 seconds');
      }
      this.stringArray(role['denyActions'], `${roleAt}.denyActions`, /^[a-z0-9-]+:[A-Za-z*?]+$/, 'an IAM action like ec2:ModifyImageAttribute');
    });

    const optIn = this.stringArray(account['optInRegions'], `${at}.optInRegions`);
    optIn.forEach((name, i) => {
      if (regions.get(name) !== true) this.fail(`${at}.optInRegions[${i}]`, `${name} is not an opt-in region of this estate`);
    });

    const snapshotRegions = new Map<string, string>();
    this.optionalArray(account['snapshots'], `${at}.snapshots`).forEach((item, i) => {
      const snapAt = `${at}.snapshots[${i}]`;
      const snapshot = this.object(item, snapAt);
      this.only(snapshot, snapAt, [
        'id', 'region', 'volumeSize', 'description', 'startTime', 'encrypted', 'kmsKeyId', 'tags', 'createVolumePermissions',
      ]);
      const id = this.string(snapshot['id'], `${snapAt}.id`, SNAPSHOT_ID, 'snap- followed by 8 or 17 hex characters');
      if (this.imageIds.has(id)) this.fail(`${snapAt}.id`, `${id} is used twice`);
      this.imageIds.add(id);
      snapshotRegions.set(id, this.region(snapshot['region'], `${snapAt}.region`, regions));
      if (snapshot['volumeSize'] !== undefined) this.count(snapshot['volumeSize'], `${snapAt}.volumeSize`);
      if (snapshot['description'] !== undefined) this.string(snapshot['description'], `${snapAt}.description`);
      if (snapshot['startTime'] !== undefined) this.timestamp(snapshot['startTime'], `${snapAt}.startTime`);
      const encrypted = this.optionalBoolean(snapshot['encrypted'], `${snapAt}.encrypted`) ?? false;
      if (snapshot['kmsKeyId'] !== undefined) {
        if (!encrypted) this.fail(`${snapAt}.kmsKeyId`, 'a KMS key needs encrypted: true');
        const key = this.string(snapshot['kmsKeyId'], `${snapAt}.kmsKeyId`);
        if (key !== 'aws/ebs' && !KMS_KEY_ARN.test(key)) {
          this.fail(`${snapAt}.kmsKeyId`, `"${key}" is neither aws/ebs (the AWS managed key) nor a KMS key ARN`);
        }
      }
      this.tags(snapshot['tags'], `${snapAt}.tags`);
      this.optionalArray(snapshot['createVolumePermissions'], `${snapAt}.createVolumePermissions`).forEach((entry, j) =>
        this.permission(entry, `${snapAt}.createVolumePermissions[${j}]`, ['userId', 'group']),
      );
    });

    this.optionalArray(account['images'], `${at}.images`).forEach((item, i) => {
      const imageAt = `${at}.images[${i}]`;
      const image = this.object(item, imageAt);
      this.only(image, imageAt, [
        'id', 'region', 'name', 'description', 'state', 'creationDate', 'deprecationTime', 'architecture', 'platform',
        'ownerAlias', 'tags', 'productCodes', 'blockDevices', 'launchPermissions', 'sourceImageId', 'sourceImageRegion',
      ]);
      if (image['id'] !== undefined) {
        const id = this.string(image['id'], `${imageAt}.id`, IMAGE_ID, 'ami- followed by 8 or 17 hex characters');
        if (this.imageIds.has(id)) this.fail(`${imageAt}.id`, `${id} is used twice`);
        this.imageIds.add(id);
      }
      const region = this.region(image['region'], `${imageAt}.region`, regions);
      this.string(image['name'], `${imageAt}.name`, /^[\w ().\-/'@[\]]{3,128}$/, 'an AMI name: 3 to 128 letters, digits, spaces or ()[]./-\'@_');
      if (image['description'] !== undefined) this.string(image['description'], `${imageAt}.description`);
      if (image['state'] !== undefined && !IMAGE_STATES.includes(this.string(image['state'], `${imageAt}.state`))) {
        this.fail(`${imageAt}.state`, `must be one of ${IMAGE_STATES.join(', ')}`);
      }
      if (image['creationDate'] !== undefined) this.timestamp(image['creationDate'], `${imageAt}.creationDate`);
      if (image['deprecationTime'] !== undefined) this.timestamp(image['deprecationTime'], `${imageAt}.deprecationTime`);
      if (image['architecture'] !== undefined) this.oneOf(image['architecture'], `${imageAt}.architecture`, ['x86_64', 'arm64', 'i386']);
      if (image['platform'] !== undefined) this.oneOf(image['platform'], `${imageAt}.platform`, ['windows']);
      if (image['ownerAlias'] !== undefined) this.string(image['ownerAlias'], `${imageAt}.ownerAlias`);
      this.tags(image['tags'], `${imageAt}.tags`);
      this.optionalArray(image['productCodes'], `${imageAt}.productCodes`).forEach((entry, j) => {
        const codeAt = `${imageAt}.productCodes[${j}]`;
        const code = this.object(entry, codeAt);
        this.only(code, codeAt, ['id', 'type']);
        this.string(code['id'], `${codeAt}.id`, /^[a-z0-9]{8,32}$/, 'a product code of lowercase letters and digits');
        this.oneOf(code['type'], `${codeAt}.type`, ['marketplace', 'devpay']);
      });
      this.optionalArray(image['blockDevices'], `${imageAt}.blockDevices`).forEach((entry, j) => {
        const deviceAt = `${imageAt}.blockDevices[${j}]`;
        const device = this.object(entry, deviceAt);
        this.only(device, deviceAt, ['deviceName', 'snapshotId']);
        this.string(device['deviceName'], `${deviceAt}.deviceName`, /^\/dev\/[a-z0-9]+$|^xvd[a-z]+$/, 'a device name like /dev/xvda');
        const snapshotId = this.string(device['snapshotId'], `${deviceAt}.snapshotId`);
        const snapshotRegion = snapshotRegions.get(snapshotId);
        if (snapshotRegion === undefined) this.fail(`${deviceAt}.snapshotId`, `${snapshotId} is not a snapshot of this account`);
        if (snapshotRegion !== region) this.fail(`${deviceAt}.snapshotId`, `${snapshotId} is in ${snapshotRegion}, not in the image's region ${region}`);
      });
      this.optionalArray(image['launchPermissions'], `${imageAt}.launchPermissions`).forEach((entry, j) =>
        this.permission(entry, `${imageAt}.launchPermissions[${j}]`, ['userId', 'group', 'organizationArn', 'organizationalUnitArn']),
      );
      if (image['sourceImageId'] !== undefined) this.string(image['sourceImageId'], `${imageAt}.sourceImageId`, IMAGE_ID, 'an AMI id');
      if (image['sourceImageRegion'] !== undefined) this.region(image['sourceImageRegion'], `${imageAt}.sourceImageRegion`, regions);
    });

    const bpaRegions = new Set<string>();
    this.optionalArray(account['blockPublicAccess'], `${at}.blockPublicAccess`).forEach((item, i) => {
      const bpaAt = `${at}.blockPublicAccess[${i}]`;
      const bpa = this.object(item, bpaAt);
      this.only(bpa, bpaAt, ['region', 'images', 'imagesManagedBy', 'snapshots', 'snapshotsManagedBy']);
      const region = this.region(bpa['region'], `${bpaAt}.region`, regions);
      if (bpaRegions.has(region)) this.fail(`${bpaAt}.region`, `${region} has two block public access entries`);
      bpaRegions.add(region);
      if (bpa['images'] !== undefined) this.oneOf(bpa['images'], `${bpaAt}.images`, ['block-new-sharing', 'unblocked']);
      if (bpa['snapshots'] !== undefined) {
        this.oneOf(bpa['snapshots'], `${bpaAt}.snapshots`, ['block-all-sharing', 'block-new-sharing', 'unblocked']);
      }
      for (const field of ['imagesManagedBy', 'snapshotsManagedBy']) {
        if (bpa[field] !== undefined) this.oneOf(bpa[field], `${bpaAt}.${field}`, ['account', 'declarative-policy']);
      }
    });
  }

  private organization(data: unknown, accountIds: ReadonlySet<string>): void {
    const org = this.object(data, 'organization');
    this.only(org, 'organization', ['id', 'managementAccountId', 'rootId', 'accounts', 'organizationalUnits']);
    this.string(org['id'], 'organization.id', ORGANIZATION_ID, 'o- followed by 10 to 32 lowercase letters or digits');
    const management = this.string(org['managementAccountId'], 'organization.managementAccountId', ACCOUNT_ID, 'an account id');
    if (!accountIds.has(management)) this.fail('organization.managementAccountId', `${management} is not an account of the estate`);
    const rootId = this.string(org['rootId'], 'organization.rootId', ROOT_ID, 'r- followed by 4 to 32 lowercase letters or digits');
    const members = new Set<string>();
    const ouIds = new Set<string>();
    const memberList = (value: unknown, at: string): void => {
      this.stringArray(value, at, ACCOUNT_ID, 'an account id').forEach((id, i) => {
        if (!accountIds.has(id)) this.fail(`${at}[${i}]`, `${id} is not an account of the estate`);
        if (members.has(id)) this.fail(`${at}[${i}]`, `account ${id} is placed twice in the organization`);
        members.add(id);
      });
    };
    const units = (value: unknown, at: string): void => {
      this.optionalArray(value, at).forEach((item, i) => {
        const ouAt = `${at}[${i}]`;
        const ou = this.object(item, ouAt);
        this.only(ou, ouAt, ['id', 'name', 'accounts', 'organizationalUnits']);
        const id = this.string(ou['id'], `${ouAt}.id`, OU_ID, 'ou-<root suffix>-<8 to 32 lowercase letters or digits>');
        if (!id.startsWith(`ou-${rootId.slice(2)}-`)) this.fail(`${ouAt}.id`, `an OU id starts with ou-${rootId.slice(2)}- (the root's suffix)`);
        if (ouIds.has(id)) this.fail(`${ouAt}.id`, `${id} is listed twice`);
        ouIds.add(id);
        this.string(ou['name'], `${ouAt}.name`);
        memberList(ou['accounts'], `${ouAt}.accounts`);
        units(ou['organizationalUnits'], `${ouAt}.organizationalUnits`);
      });
    };
    memberList(org['accounts'], 'organization.accounts');
    units(org['organizationalUnits'], 'organization.organizationalUnits');
    if (!members.has(management)) this.fail('organization', `the management account ${management} must be placed under the root or an OU`);
  }

  private permission(data: unknown, at: string, kinds: readonly string[]): void {
    const entry = this.object(data, at);
    const keys = Object.keys(entry);
    const key = keys[0];
    if (keys.length !== 1 || key === undefined || !kinds.includes(key)) {
      this.fail(at, `must have exactly one of ${kinds.join(', ')}`);
    }
    const value = this.string(entry[key], `${at}.${key}`);
    const formats: Record<string, [RegExp, string]> = {
      userId: [ACCOUNT_ID, 'an account id of 12 digits'],
      group: [/^all$/, 'all (the only group AWS knows)'],
      organizationArn: [ORGANIZATION_ARN, 'arn:aws:organizations::<management account>:organization/o-<id>'],
      organizationalUnitArn: [OU_ARN, 'arn:aws:organizations::<management account>:ou/o-<id>/ou-<id>'],
    };
    const format = formats[key];
    if (format !== undefined && !format[0].test(value)) this.fail(`${at}.${key}`, `"${value}" is not ${format[1]}`);
  }

  private region(value: unknown, at: string, regions: ReadonlyMap<string, boolean>): string {
    const name = this.string(value, at);
    if (!regions.has(name)) this.fail(at, `${name} is not one of the estate's regions`);
    return name;
  }

  private tags(value: unknown, at: string): void {
    if (value === undefined) return;
    const tags = this.object(value, at);
    for (const [key, tag] of Object.entries(tags)) {
      if (typeof tag !== 'string') this.fail(`${at}.${key}`, 'a tag value must be a string');
    }
  }

  private timestamp(value: unknown, at: string): void {
    const text = this.string(value, at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(Date.parse(text))) {
      this.fail(at, `"${text}" is not an ISO 8601 timestamp like 2024-05-01T12:00:00.000Z`);
    }
  }

  private oneOf(value: unknown, at: string, allowed: readonly string[]): string {
    const text = this.string(value, at);
    if (!allowed.includes(text)) this.fail(at, `"${text}" must be one of ${allowed.join(', ')}`);
    return text;
  }

  private count(value: unknown, at: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.fail(at, 'must be a whole number');
    return value;
  }

  private optionalBoolean(value: unknown, at: string): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') this.fail(at, 'must be true or false');
    return value;
  }

  private string(value: unknown, at: string, format?: RegExp, expected?: string): string {
    if (typeof value !== 'string' || value === '') this.fail(at, value === undefined ? 'is required' : 'must be a non-empty string');
    if (format !== undefined && !format.test(value)) this.fail(at, `"${value}" is not ${expected ?? format.source}`);
    return value;
  }

  private stringArray(value: unknown, at: string, format?: RegExp, expected?: string): string[] {
    return this.optionalArray(value, at).map((item, i) => this.string(item, `${at}[${i}]`, format, expected));
  }

  private object(value: unknown, at: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(at, value === undefined ? 'is required' : 'must be an object');
    }
    return value as Json;
  }

  private array(value: unknown, at: string): unknown[] {
    if (!Array.isArray(value)) this.fail(at, value === undefined ? 'is required' : 'must be a list');
    return value;
  }

  private optionalArray(value: unknown, at: string): unknown[] {
    return value === undefined ? [] : this.array(value, at);
  }

  private only(object: Json, at: string, fields: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (!fields.includes(key)) this.fail(at === '' ? key : `${at}.${key}`, `unknown field (expected one of ${fields.join(', ')})`);
    }
  }

  private fail(at: string, problem: string): never {
    throw new AmiguardError('SANDBOX', `${this.source}: ${at === '' ? '' : `${at}: `}${problem}`, {
      hint: 'See src/sandbox/estate.ts for the estate format.',
    });
  }
}
