import type { Location, SourceLocation } from './location.js';
import type { Sharing } from './sharing.js';

/**
 * One thing that produces or is an AMI, as the rules see it: a Packer builder or
 * post-processor, or (later) an AMI read from AWS. The same rules check both.
 */
export interface ImageSubject {
  readonly origin: 'template' | 'aws';
  /** Display name: `amazon-ebs.ubuntu`, `builders[2] (amazon-ebs "aws-rhel7")`, `ami-0123...`. */
  readonly name: string;
  /** The builder or resource type: `amazon-ebs`, `amazon-import`, `ami`. */
  readonly type: string;
  /** The AMI name when it is known (a template's evaluated `ami_name`), for public exceptions. */
  readonly amiName?: string;
  /** The file the subject was read from, for public exceptions by file pattern. */
  readonly file?: string;
  readonly location: Location;
  /** Who may launch the AMI. */
  readonly launch: Sharing;
  /** Who may create volumes from its snapshots. */
  readonly snapshot: Sharing;
  readonly encryption?: Encryption;
  /**
   * For AWS snapshots: the region's snapshot block public access is `block-all-sharing`, so a
   * public create-volume permission is kept but nobody outside the account can use it.
   */
  readonly publicSnapshotsBlocked?: boolean;
  /**
   * For templates: the same configuration sets the region's block public access for AMIs to
   * `block-new-sharing` (`via`, declared at `location`), so AWS refuses to make the AMI public
   * there while the block is in effect. The grant is still reported: the file still asks for it.
   */
  readonly publicLaunchBlocked?: { readonly location: SourceLocation; readonly via: string };
}

/** Whether the AMI's volumes are encrypted, and with a customer managed key or the default one. */
export interface Encryption {
  readonly encrypted: boolean | 'unknown';
  /** A customer managed key is named (`kms_key_id`, `region_kms_key_ids`). */
  readonly customerKey: boolean | 'unknown';
  readonly location: Location;
}

/** One account's region as the rules see it: its block public access settings. */
export interface RegionSubject {
  readonly account: string;
  readonly region: string;
  readonly images: { readonly state: string; readonly managedBy: string };
  readonly snapshots: { readonly state: string; readonly managedBy: string };
}
