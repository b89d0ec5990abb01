import type { SourceLocation } from '../core/index.js';

/** The template fields that grant launch or create-volume permission (AWS-FACTS.md, Packer). */
export const SHARING_FIELDS = [
  'ami_users',
  'ami_groups',
  'ami_org_arns',
  'ami_ou_arns',
  'snapshot_users',
  'snapshot_groups',
] as const;
export type SharingField = (typeof SHARING_FIELDS)[number];

/** Builders and post-processors that produce AMIs or snapshots and carry sharing fields. */
export const AMAZON_BUILDERS = [
  'amazon-ebs',
  'amazon-ebssurrogate',
  'amazon-instance',
  'amazon-chroot',
  'amazon-ebsvolume',
] as const;
export const AMAZON_POST_PROCESSORS = ['amazon-import'] as const;

/**
 * One element of an evaluated list field. `location` is the use site (the list element, or the
 * attribute when the whole list came from elsewhere); `origin` is the definition a variable or
 * local resolved to (a `variable` default, a var-file entry), and `via` names the reference.
 */
export type EvaluatedItem = KnownItem | UnknownItem;

export interface KnownItem {
  readonly kind: 'known';
  readonly value: string;
  readonly location: SourceLocation;
  readonly origin?: SourceLocation;
  readonly via?: string;
}

export interface UnknownItem {
  readonly kind: 'unknown';
  /** Why: `variable "version" has no default and no value was given`. */
  readonly reason: string;
  readonly location: SourceLocation;
  readonly origin?: SourceLocation;
  readonly via?: string;
  /** Values it may take, where the expression shows them (e.g. both arms of a conditional). */
  readonly mayInclude?: readonly string[];
  /** Packer itself rejects the value (a string where a list is expected, a failing function): it stops before building. */
  readonly rejected?: true;
}

export interface EvaluatedField {
  readonly field: SharingField;
  /** The attribute (`ami_users = ...` or `"ami_users": ...`), key to end of value. */
  readonly location: SourceLocation;
  readonly items: readonly EvaluatedItem[];
}

export type EvaluatedScalar<T> =
  | { readonly kind: 'known'; readonly value: T; readonly location: SourceLocation }
  | { readonly kind: 'unknown'; readonly reason: string; readonly location: SourceLocation };

/** One builder, source (after build-level overrides) or post-processor that makes an AMI. */
export interface TemplateImage {
  readonly format: 'packer-json' | 'packer-hcl';
  /** `amazon-ebs`, `amazon-import`; `(untyped)` for a builder fragment without `type`. */
  readonly type: string;
  /** `amazon-ebs.ubuntu` (HCL), or the builder's `name` / `builders[2]` (JSON). */
  readonly name: string;
  readonly file: string;
  /** The builder object or the source block header. */
  readonly location: SourceLocation;
  readonly fields: Readonly<Partial<Record<SharingField, EvaluatedField>>>;
  readonly amiName?: EvaluatedScalar<string>;
  readonly encryptBoot?: EvaluatedScalar<boolean>;
  /** `kms_key_id` or `region_kms_key_ids` set to something non-empty. */
  readonly customerKmsKey?: EvaluatedScalar<boolean>;
}

/**
 * Something in the input that is not a sharing fact: a parse error, an unreadable var-file, a
 * value of the wrong type. Packer stops on these before building anything, so a template with
 * one shares nothing; except when `unevaluated` is set: then only amiguard could not evaluate
 * part of it (its evaluation budget, a reference it cannot follow), Packer may well build it,
 * and its images stay, with what is unknown.
 */
export interface TemplateProblem {
  readonly message: string;
  readonly location: SourceLocation;
  readonly unevaluated?: true;
}

/** Whether Packer refuses a template with these problems before building (it then shares nothing). */
export function refusedByPacker(problems: readonly TemplateProblem[]): boolean {
  return problems.some((problem) => problem.unevaluated !== true);
}

export interface TemplateReadResult {
  readonly images: readonly TemplateImage[];
  readonly problems: readonly TemplateProblem[];
}

/** `--var name=value` and `--var-file path` as given; Packer applies every var-file in this order, then every --var (later wins). */
export type VariableInput =
  | { readonly kind: 'var'; readonly name: string; readonly value: string }
  | { readonly kind: 'var-file'; readonly path: string }
  /** `--parameter NAME=VALUE`: a CloudFormation parameter only (other formats ignore it). */
  | { readonly kind: 'parameter'; readonly name: string; readonly value: string };

export interface SourceFile {
  /** As shown to the user: relative to the working directory when possible. */
  readonly path: string;
  readonly text: string;
}

/**
 * `packer build -only` / `-except`: which builds run. HCL2 matches the globs against
 * `build-name.source-type.source-name`, legacy JSON the exact builder names; `except` also
 * names post-processors. Only the Packer readers apply it.
 */
export interface BuildFilter {
  readonly only: readonly string[];
  readonly except: readonly string[];
}

export interface ReadOptions {
  readonly variables: readonly VariableInput[];
  /** `--only` / `--except`; absent: every build runs. */
  readonly builds?: BuildFilter;
  /** Resolve `env()`, `{{env}}` and `PKR_VAR_x` from `env`; otherwise they are unknown. */
  readonly useEnv: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a var-file; throws InputError when it cannot. */
  readonly readFile: (path: string) => string;
  /** The working directory the paths are relative to (`path.cwd`); the process's when absent. */
  readonly cwd?: string;
}
