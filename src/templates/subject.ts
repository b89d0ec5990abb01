import {
  parseAnyGrantee,
  parseGrantee,
  type ExpectedGrantee,
  type GranteeSyntax,
  type Grant,
  type ImageSubject,
  type InvalidGrant,
  type Sharing,
  type UnknownGrant,
} from '../core/index.js';
import type { EvaluatedField, EvaluatedItem, SharingField, TemplateImage } from './model.js';

const FIELD_SYNTAX: Readonly<Record<SharingField, GranteeSyntax>> = {
  ami_users: 'account',
  ami_groups: 'group',
  ami_org_arns: 'organization',
  ami_ou_arns: 'ou',
  snapshot_users: 'account',
  snapshot_groups: 'group',
};

const LAUNCH_FIELDS: readonly SharingField[] = ['ami_groups', 'ami_users', 'ami_org_arns', 'ami_ou_arns'];
const SNAPSHOT_FIELDS: readonly SharingField[] = ['snapshot_groups', 'snapshot_users'];

/** Turns a reader's evaluated fields into the core model the rules check. */
export function toImageSubject(image: TemplateImage): ImageSubject {
  const amiName = image.amiName?.kind === 'known' ? image.amiName.value : undefined;
  const encryption =
    image.encryptBoot === undefined
      ? undefined
      : {
          encrypted: image.encryptBoot.kind === 'known' ? image.encryptBoot.value : ('unknown' as const),
          customerKey:
            image.customerKmsKey === undefined
              ? false
              : image.customerKmsKey.kind === 'known'
                ? image.customerKmsKey.value
                : ('unknown' as const),
          location: image.encryptBoot.location,
        };
  return {
    origin: 'template',
    name: image.name,
    type: image.type,
    file: image.file,
    location: image.location,
    launch: buildSharing(image, LAUNCH_FIELDS),
    snapshot: buildSharing(image, SNAPSHOT_FIELDS),
    ...(amiName === undefined ? {} : { amiName }),
    ...(encryption === undefined ? {} : { encryption }),
  };
}

function buildSharing(image: TemplateImage, fields: readonly SharingField[]): Sharing {
  return sharingFromCalls(
    fields.flatMap((name): GrantCall[] => {
      const field: EvaluatedField | undefined = image.fields[name];
      return field === undefined ? [] : [{ field: name, syntax: FIELD_SYNTAX[name], items: field.items }];
    }),
  );
}

/**
 * One AWS change: the values of one field that a tool sends in one ModifyImageAttribute (or
 * ModifySnapshotAttribute) call. Packer sends each sharing field as one call
 * (step_modify_ami_attributes.go); a Terraform `aws_ami_launch_permission` is a call per grantee.
 */
export interface GrantCall {
  /** As the file names it: `ami_users`, `launch_permission.user_ids`, `--launch-permission`. */
  readonly field: string;
  /** The kind of grantee it holds; `any` for a whole permission list. */
  readonly syntax: ExpectedGrantee;
  readonly items: readonly EvaluatedItem[];
  /** A runtime guard the call sits behind (`when: production_tag`). */
  readonly condition?: string;
  /** The reader's fix wording, when `remove it from FIELD` would not say it. */
  readonly fix?: string;
}

/**
 * The grants a list of calls makes. AWS rejects a whole call for one bad item
 * (InvalidAMIAttributeItemValue): a call with an invalid item grants nothing, whatever else it holds.
 */
export function sharingFromCalls(calls: readonly GrantCall[]): Sharing {
  const grants: Grant[] = [];
  const invalid: InvalidGrant[] = [];
  const unknowns: UnknownGrant[] = [];
  for (const call of calls) {
    const fieldGrants: Grant[] = [];
    const fieldInvalid: InvalidGrant[] = [];
    const fieldUnknowns: UnknownGrant[] = [];
    for (const item of call.items) {
      const provenance = {
        field: call.field,
        location: item.location,
        ...(item.origin === undefined ? {} : { origin: item.origin }),
        ...(item.via === undefined ? {} : { via: item.via }),
        ...(call.condition === undefined ? {} : { condition: call.condition }),
        ...(call.fix === undefined ? {} : { fix: call.fix }),
      };
      if (item.kind === 'unknown') {
        fieldUnknowns.push({
          ...provenance,
          reason: item.reason,
          expects: call.syntax,
          ...(item.mayInclude === undefined ? {} : { mayInclude: item.mayInclude }),
        });
        continue;
      }
      const parsed = call.syntax === 'any' ? parseAnyGrantee(item.value) : parseGrantee(call.syntax, item.value);
      if (parsed.ok) fieldGrants.push({ ...provenance, grantee: parsed.grantee });
      else fieldInvalid.push({ ...provenance, raw: item.value, problem: parsed.problem, expects: call.syntax });
    }
    if (fieldInvalid.length === 0) {
      grants.push(...fieldGrants);
      unknowns.push(...fieldUnknowns);
      continue;
    }
    const others = fieldGrants.length + fieldUnknowns.length;
    const consequence =
      others === 0
        ? `AWS rejects the whole ${call.field} change`
        : `AWS rejects the whole ${call.field} change, so none of its ${others + fieldInvalid.length} values is shared`;
    invalid.push(...fieldInvalid.map((entry) => ({ ...entry, problem: `${entry.problem}; ${consequence}` })));
  }
  return { grants, invalid, unknowns };
}
