import type { Estate, EstateImage, EstateSnapshot } from './estate.js';

/**
 * The built-in estate: an organization of three accounts in two OUs, four regions (one of
 * them an opt-in region nobody enabled), and fifteen AMIs covering the cases amiguard reports.
 * Its access keys have fixed, documented names so that any SDK or the AWS CLI can use it:
 *
 *   AWS_ACCESS_KEY_ID=AKIASANDBOXMGMT00001 AWS_SECRET_ACCESS_KEY=sandbox-management-secret \
 *     aws ec2 describe-images --owners self --endpoint-url http://127.0.0.1:<port> --region us-east-1
 *
 * | access key id          | secret                       | account                           |
 * |------------------------|------------------------------|-----------------------------------|
 * | AKIASANDBOXMGMT00001   | sandbox-management-secret    | 111111111111 management (admin)   |
 * | AKIASANDBOXAUDIT0001   | sandbox-auditor-secret       | 111111111111 management, read-only|
 * | AKIASANDBOXPROD00001   | sandbox-prod-secret          | 222222222222 workloads-prod       |
 * | AKIASANDBOXDEV000001   | sandbox-dev-secret           | 333333333333 workloads-dev        |
 *
 * From the management account, `AmiguardAuditRole` (read-only) and
 * `OrganizationAccountAccessRole` can be assumed in every member account.
 */
export const SAMPLE_CREDENTIALS = {
  management: { accessKeyId: 'AKIASANDBOXMGMT00001', secretAccessKey: 'sandbox-management-secret' },
  auditor: { accessKeyId: 'AKIASANDBOXAUDIT0001', secretAccessKey: 'sandbox-auditor-secret' },
  prod: { accessKeyId: 'AKIASANDBOXPROD00001', secretAccessKey: 'sandbox-prod-secret' },
  dev: { accessKeyId: 'AKIASANDBOXDEV000001', secretAccessKey: 'sandbox-dev-secret' },
} as const;

const MANAGEMENT = '111111111111';
const PROD = '222222222222';
const DEV = '333333333333';
/** An account outside the organization that nobody approved. */
const OUTSIDER = '999988887777';
const ORG_ID = 'o-sandbox0001';
const ROOT_ID = 'r-sbx1';
const ORG_ARN = `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}`;
const PROD_OU = 'ou-sbx1-prod0001';
const DEV_OU = 'ou-sbx1-dev00001';
const ouArn = (ou: string): string => `arn:aws:organizations::${MANAGEMENT}:ou/${ORG_ID}/${ou}`;
const CUSTOMER_KEY = `arn:aws:kms:eu-west-1:${PROD}:key/0f3a6c1e-5b7d-4e2a-9c8b-1d2e3f4a5b6c`;

const ami = (n: number): string => `ami-0${n.toString(16).padStart(16, '0')}`;
const snap = (n: number): string => `snap-0${n.toString(16).padStart(16, '0')}`;

/** Ids of the sample estate, by what they show. */
export const SAMPLE_IDS = {
  accounts: { management: MANAGEMENT, prod: PROD, dev: DEV, outsider: OUTSIDER },
  organization: { id: ORG_ID, arn: ORG_ARN, rootId: ROOT_ID, prodOu: PROD_OU, prodOuArn: ouArn(PROD_OU), devOu: DEV_OU, devOuArn: ouArn(DEV_OU) },
  regions: { enabled: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], disabled: 'af-south-1' },
  images: {
    /** us-east-1, management: shared with the organization. */
    goldenOrgShared: ami(0x1001),
    /** eu-west-1, management: a copy of goldenOrgShared; CopyImage does not copy launch permissions. */
    goldenCopyUnshared: ami(0x1002),
    /** ap-southeast-2, management: a copy shared with the organization again. */
    goldenCopyOrgShared: ami(0x1003),
    /** us-east-1, management: public, and its snapshot is public. */
    publicDemo: ami(0x1004),
    /** us-east-1, management: Marketplace product code, shared with the prod account. */
    marketplace: ami(0x1005),
    /** us-east-1, prod: shared with the Prod OU. */
    prodOuShared: ami(0x2001),
    /** us-east-1, prod: shared with an unknown account outside the organization (and its snapshot too). */
    sharedWithOutsider: ami(0x2002),
    /** eu-west-1, prod: encrypted with the AWS managed key aws/ebs: cannot be shared. */
    defaultKeyEncrypted: ami(0x2003),
    /** eu-west-1, prod: encrypted with a customer managed key, shared with the dev account. */
    customerKeyShared: ami(0x2004),
    /** ap-southeast-2, prod: public; its public snapshot is hidden by block-all-sharing. */
    prodPublicOld: ami(0x2005),
    /** us-east-1, dev: private AMI whose snapshot is public. */
    privateWithPublicSnapshot: ami(0x3001),
    /** us-east-1, dev: shared with the Dev OU and with the prod account (approved). */
    devToolsShared: ami(0x3002),
    /** eu-west-1, dev: private. */
    devPrivate: ami(0x3003),
    /** ap-southeast-2, dev: public, made public before a declarative policy blocked new public sharing. */
    devPublic: ami(0x3004),
    /** us-east-1, dev: disabled (DisableImage removed its launch permissions). */
    devDisabled: ami(0x3005),
  },
  snapshots: {
    publicDemo: snap(0x1004),
    sharedWithOutsider: snap(0x2002),
    defaultKeyEncrypted: snap(0x2003),
    customerKeyShared: snap(0x2004),
    prodPublicOld: snap(0x2005),
    privateWithPublicSnapshot: snap(0x3001),
  },
} as const;

/** One AMI with its root snapshot. */
function imageWithSnapshot(
  n: number,
  image: Omit<EstateImage, 'id' | 'blockDevices'>,
  snapshot: Omit<EstateSnapshot, 'id' | 'region'> = {},
): { image: EstateImage; snapshot: EstateSnapshot } {
  return {
    image: { ...image, id: ami(n), blockDevices: [{ deviceName: '/dev/xvda', snapshotId: snap(n) }] },
    snapshot: { id: snap(n), region: image.region, volumeSize: 8, description: `Created by CreateImage for ${ami(n)}`, ...snapshot },
  };
}

const managementImages = [
  imageWithSnapshot(0x1001, {
    region: 'us-east-1', name: 'golden-al2023-2024.06.1', description: 'Hardened Amazon Linux 2023 base',
    creationDate: '2024-06-03T09:12:00.000Z', tags: { Team: 'platform', Golden: 'true' },
    launchPermissions: [{ organizationArn: ORG_ARN }],
  }),
  imageWithSnapshot(0x1002, {
    region: 'eu-west-1', name: 'golden-al2023-2024.06.1', description: 'Hardened Amazon Linux 2023 base',
    creationDate: '2024-06-03T10:02:00.000Z', tags: { Team: 'platform', Golden: 'true' },
    sourceImageId: ami(0x1001), sourceImageRegion: 'us-east-1',
  }),
  imageWithSnapshot(0x1003, {
    region: 'ap-southeast-2', name: 'golden-al2023-2024.06.1', description: 'Hardened Amazon Linux 2023 base',
    creationDate: '2024-06-03T10:05:00.000Z', tags: { Team: 'platform', Golden: 'true' },
    sourceImageId: ami(0x1001), sourceImageRegion: 'us-east-1', launchPermissions: [{ organizationArn: ORG_ARN }],
  }),
  imageWithSnapshot(
    0x1004,
    {
      region: 'us-east-1', name: 'public-demo-web-1.0', description: 'Demo web server, public on purpose',
      creationDate: '2023-11-20T14:00:00.000Z', tags: { Team: 'devrel' }, launchPermissions: [{ group: 'all' }],
    },
    { createVolumePermissions: [{ group: 'all' }] },
  ),
  imageWithSnapshot(0x1005, {
    region: 'us-east-1', name: 'vendor-firewall-3.2', description: 'Marketplace firewall appliance',
    creationDate: '2024-02-10T08:30:00.000Z', productCodes: [{ id: 'a1b2c3d4e5f6g7h8i9j0k1l2m', type: 'marketplace' }],
    launchPermissions: [{ userId: PROD }],
  }),
];

const prodImages = [
  imageWithSnapshot(0x2001, {
    region: 'us-east-1', name: 'prod-app-2024.07.1', creationDate: '2024-07-01T06:00:00.000Z',
    tags: { Team: 'payments', Environment: 'prod' }, launchPermissions: [{ organizationalUnitArn: ouArn(PROD_OU) }],
  }),
  imageWithSnapshot(
    0x2002,
    {
      region: 'us-east-1', name: 'prod-app-legacy-2019', description: 'Shared with a former contractor',
      creationDate: '2019-03-14T12:00:00.000Z', tags: { Team: 'payments' }, launchPermissions: [{ userId: OUTSIDER }],
    },
    { createVolumePermissions: [{ userId: OUTSIDER }] },
  ),
  imageWithSnapshot(
    0x2003,
    { region: 'eu-west-1', name: 'prod-db-2024.05', creationDate: '2024-05-20T22:00:00.000Z', tags: { Team: 'data' } },
    { encrypted: true, kmsKeyId: 'aws/ebs' },
  ),
  imageWithSnapshot(
    0x2004,
    {
      region: 'eu-west-1', name: 'prod-app-cmk-2024.07', creationDate: '2024-07-02T06:00:00.000Z',
      tags: { Team: 'payments' }, launchPermissions: [{ userId: DEV }],
    },
    { encrypted: true, kmsKeyId: CUSTOMER_KEY, createVolumePermissions: [{ userId: DEV }] },
  ),
  imageWithSnapshot(
    0x2005,
    {
      region: 'ap-southeast-2', name: 'prod-public-old-2021', creationDate: '2021-08-09T03:00:00.000Z',
      launchPermissions: [{ group: 'all' }],
    },
    { createVolumePermissions: [{ group: 'all' }] },
  ),
];

const devImages = [
  imageWithSnapshot(
    0x3001,
    { region: 'us-east-1', name: 'dev-sandbox-2024.06', creationDate: '2024-06-15T16:45:00.000Z', tags: { Team: 'dev' } },
    { createVolumePermissions: [{ group: 'all' }] },
  ),
  imageWithSnapshot(0x3002, {
    region: 'us-east-1', name: 'dev-tools-1.4', creationDate: '2024-04-04T11:00:00.000Z', tags: { Team: 'dev' },
    launchPermissions: [{ organizationalUnitArn: ouArn(DEV_OU) }, { userId: PROD }],
  }),
  imageWithSnapshot(0x3003, { region: 'eu-west-1', name: 'dev-experimental', creationDate: '2024-07-10T09:00:00.000Z' }),
  imageWithSnapshot(0x3004, {
    region: 'ap-southeast-2', name: 'dev-public-test', creationDate: '2022-01-05T09:00:00.000Z',
    launchPermissions: [{ group: 'all' }],
  }),
  imageWithSnapshot(0x3005, {
    region: 'us-east-1', name: 'dev-retired-2022', creationDate: '2022-09-01T09:00:00.000Z', state: 'disabled',
  }),
];

const READ_ONLY_DENY = ['ec2:Modify*', 'ec2:Reset*', 'ec2:Enable*', 'ec2:Disable*'];

export const SAMPLE_ESTATE: Estate = {
  regions: [{ name: 'us-east-1' }, { name: 'eu-west-1' }, { name: 'ap-southeast-2' }, { name: 'af-south-1', optIn: true }],
  organization: {
    id: ORG_ID,
    managementAccountId: MANAGEMENT,
    rootId: ROOT_ID,
    accounts: [MANAGEMENT],
    organizationalUnits: [
      { id: PROD_OU, name: 'Prod', accounts: [PROD] },
      { id: DEV_OU, name: 'Dev', accounts: [DEV] },
    ],
  },
  accounts: [
    {
      id: MANAGEMENT,
      name: 'management',
      email: 'aws-management@example.com',
      accessKeys: [
        { ...SAMPLE_CREDENTIALS.management, userName: 'admin' },
        { ...SAMPLE_CREDENTIALS.auditor, userName: 'auditor', denyActions: READ_ONLY_DENY },
      ],
      roles: [{ name: 'AmiguardAuditRole', trustedAccounts: [MANAGEMENT], denyActions: READ_ONLY_DENY }],
      images: managementImages.map(({ image }) => image),
      snapshots: managementImages.map(({ snapshot }) => snapshot),
      blockPublicAccess: [{ region: 'eu-west-1', snapshots: 'block-new-sharing' }],
    },
    {
      id: PROD,
      name: 'workloads-prod',
      email: 'aws-prod@example.com',
      accessKeys: [{ ...SAMPLE_CREDENTIALS.prod, userName: 'admin' }],
      roles: [
        { name: 'AmiguardAuditRole', trustedAccounts: [MANAGEMENT], denyActions: READ_ONLY_DENY },
        { name: 'OrganizationAccountAccessRole', trustedAccounts: [MANAGEMENT] },
      ],
      images: prodImages.map(({ image }) => image),
      snapshots: prodImages.map(({ snapshot }) => snapshot),
      blockPublicAccess: [
        { region: 'eu-west-1', images: 'block-new-sharing' },
        { region: 'ap-southeast-2', snapshots: 'block-all-sharing' },
      ],
    },
    {
      id: DEV,
      name: 'workloads-dev',
      email: 'aws-dev@example.com',
      accessKeys: [{ ...SAMPLE_CREDENTIALS.dev, userName: 'admin' }],
      roles: [
        { name: 'AmiguardAuditRole', trustedAccounts: [MANAGEMENT], denyActions: READ_ONLY_DENY },
        { name: 'OrganizationAccountAccessRole', trustedAccounts: [MANAGEMENT] },
      ],
      images: devImages.map(({ image }) => image),
      snapshots: devImages.map(({ snapshot }) => snapshot),
      blockPublicAccess: [
        { region: 'us-east-1', images: 'unblocked' },
        { region: 'ap-southeast-2', images: 'block-new-sharing', imagesManagedBy: 'declarative-policy' },
      ],
    },
  ],
};
