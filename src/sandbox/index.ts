/**
 * A local EC2-compatible endpoint (with the STS and Organizations calls an audit needs) that the
 * real AWS SDK talks to through an endpoint override:
 *
 *   const sandbox = await startSandbox({ estate: SAMPLE_ESTATE });
 *   const ec2 = new EC2Client({ endpoint: sandbox.url, region: 'us-east-1', credentials: SAMPLE_CREDENTIALS.management });
 *
 * It follows AWS's semantics and error codes (AWS-FACTS.md), throttles like EC2 (with a speed
 * factor) and can inject faults. See estate.ts for the estate format.
 */
import { AmiguardError } from '../core/index.js';
import type {
  Estate,
  EstateLaunchPermission,
  EstateVolumePermission,
  ImageBlockPublicAccessState,
  ManagedBy,
  SnapshotBlockPublicAccessState,
} from './estate.js';
import type { FaultOptions } from './faults.js';
import type { SandboxStats } from './server.js';
import { startServer } from './server.js';
import { World } from './world.js';

export type {
  Estate,
  EstateAccessKey,
  EstateAccount,
  EstateBlockDevice,
  EstateBlockPublicAccess,
  EstateImage,
  EstateLaunchPermission,
  EstateOrganization,
  EstateOrganizationalUnit,
  EstateProductCode,
  EstateRegion,
  EstateRole,
  EstateSnapshot,
  EstateVolumePermission,
  ImageBlockPublicAccessState,
  ImageState,
  ManagedBy,
  SnapshotBlockPublicAccessState,
} from './estate.js';
export { loadEstate, validateEstate } from './estate.js';
export type { FaultOptions, SandboxService } from './faults.js';
export type { SandboxStats } from './server.js';
export { THROTTLE_LIMITS } from './throttle.js';
export type { ThrottleClass } from './throttle.js';
export { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS } from './sample-estate.js';
export { generateEstate } from './generate-estate.js';
export type { GenerateEstateOptions } from './generate-estate.js';

export interface SandboxOptions {
  readonly estate: Estate;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** 127.0.0.1 by default. */
  readonly host?: string;
  /** Multiplies the throttling refill rates: 10 refills ten times faster; Infinity turns throttling off. Default 1. */
  readonly speed?: number;
  readonly faults?: FaultOptions;
  /** Seeds generated ids, credentials of role sessions and fault draws. Default 1. */
  readonly seed?: number;
  /** Milliseconds as the token buckets see them (default `performance.now`), so that tests can drive time. */
  readonly clock?: () => number;
}

export interface Sandbox {
  /** The endpoint to give the SDK clients (`endpoint: sandbox.url`). */
  readonly url: string;
  readonly stats: SandboxStats;
  /** The live state, for tests that check what the sandbox holds after the calls. */
  readonly state: SandboxState;
  /** The first access key of an account of the estate. */
  credentials(accountId: string): { readonly accessKeyId: string; readonly secretAccessKey: string };
  close(): Promise<void>;
}

/** Copies of the live state; changing them changes nothing in the sandbox. */
export interface SandboxState {
  image(imageId: string): ImageView | undefined;
  /** Every image of the estate, optionally of one owner and region, sorted by id. */
  images(filter?: { readonly ownerId?: string; readonly region?: string }): ImageView[];
  snapshot(snapshotId: string): SnapshotView | undefined;
  imageBlockPublicAccess(accountId: string, region: string): { readonly state: ImageBlockPublicAccessState; readonly managedBy: ManagedBy };
  snapshotBlockPublicAccess(accountId: string, region: string): {
    readonly state: SnapshotBlockPublicAccessState;
    readonly managedBy: ManagedBy;
  };
}

export interface ImageView {
  readonly id: string;
  readonly ownerId: string;
  readonly region: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly state: string;
  readonly public: boolean;
  readonly launchPermissions: readonly EstateLaunchPermission[];
  readonly snapshotIds: readonly string[];
}

export interface SnapshotView {
  readonly id: string;
  readonly ownerId: string;
  readonly region: string;
  readonly encrypted: boolean;
  readonly kmsKeyId: string | undefined;
  /** Encrypted with the AWS managed key aws/ebs. */
  readonly defaultKey: boolean;
  readonly createVolumePermissions: readonly EstateVolumePermission[];
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const seed = options.seed ?? 1;
  const world = new World(options.estate, seed);
  const running = await startServer({
    world,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    speed: options.speed ?? 1,
    faults: options.faults,
    seed,
    clock: options.clock ?? (() => performance.now()),
  }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const reason =
      code === 'EADDRINUSE'
        ? `port ${options.port ?? 0} on ${options.host ?? '127.0.0.1'} is already in use`
        : code === 'EACCES'
          ? `port ${options.port ?? 0} on ${options.host ?? '127.0.0.1'} needs privileges to listen on`
          : error instanceof Error
            ? error.message
            : String(error);
    throw new AmiguardError('SANDBOX', `cannot start the sandbox: ${reason}`, { cause: error });
  });
  const imageView = (id: string): ImageView | undefined => {
    const image = world.images.get(id);
    if (image === undefined) return undefined;
    return {
      id: image.id,
      ownerId: image.ownerId,
      region: image.region,
      name: image.name,
      description: image.description,
      state: image.state,
      public: world.isPublic(image),
      launchPermissions: [...image.launchPermissions.values()],
      snapshotIds: image.blockDevices.map((device) => device.snapshotId),
    };
  };
  const state: SandboxState = {
    image: imageView,
    images: (filter = {}) =>
      [...world.images.values()]
        .filter((image) => (filter.ownerId ?? image.ownerId) === image.ownerId && (filter.region ?? image.region) === image.region)
        .map((image) => image.id)
        .sort()
        .flatMap((id) => imageView(id) ?? []),
    snapshot: (id) => {
      const snapshot = world.snapshots.get(id);
      if (snapshot === undefined) return undefined;
      return {
        id: snapshot.id,
        ownerId: snapshot.ownerId,
        region: snapshot.region,
        encrypted: snapshot.encrypted,
        kmsKeyId: snapshot.kmsKeyId,
        defaultKey: snapshot.defaultKey,
        createVolumePermissions: [...snapshot.createVolumePermissions.values()],
      };
    },
    imageBlockPublicAccess: (accountId, region) => {
      const bpa = world.blockPublicAccessOf(accountId, region);
      return { state: bpa.images, managedBy: bpa.imagesManagedBy };
    },
    snapshotBlockPublicAccess: (accountId, region) => {
      const bpa = world.blockPublicAccessOf(accountId, region);
      return { state: bpa.snapshots, managedBy: bpa.snapshotsManagedBy };
    },
  };
  return {
    url: running.url,
    stats: running.stats,
    state,
    credentials(accountId) {
      const key = options.estate.accounts.find((account) => account.id === accountId)?.accessKeys?.[0];
      if (key === undefined) throw new AmiguardError('SANDBOX', `the estate has no access key for account ${accountId}`);
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    },
    close: () => running.close(),
  };
}
