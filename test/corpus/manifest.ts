/**
 * The labelled Packer corpus in ../shared/corpus/packer (beside the repository, as CI lays it
 * out), and the labels computed from evaluated templates, as its README defines them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SharingField, TemplateImage } from '../../src/templates/model.js';

export const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus/packer');

export type Tri = boolean | 'depends-on-variable';

export interface Labels {
  readonly public_ami: Tri;
  readonly public_snapshot: Tri;
  readonly shared_accounts: readonly string[];
  readonly snapshot_shared_accounts: readonly string[];
  readonly shared_orgs: readonly string[];
}

export interface CorpusCase {
  readonly id: string;
  readonly format: string;
  readonly files: readonly { readonly file: string; readonly role: string }[];
  readonly var_files_applied: readonly string[];
  readonly expected: Labels & { readonly confidence: string; readonly notes: string };
}

export function corpusPresent(): boolean {
  return existsSync(join(CORPUS, 'manifest.json'));
}

export function loadManifest(): CorpusCase[] {
  return corpusPresent() ? (JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as CorpusCase[]) : [];
}

/** The label's fields, with account and ARN lists sorted for comparison. */
export function expectedLabels(entry: CorpusCase): Labels {
  const { public_ami, public_snapshot, shared_accounts, snapshot_shared_accounts, shared_orgs } = entry.expected;
  return {
    public_ami,
    public_snapshot,
    shared_accounts: [...shared_accounts].sort(),
    snapshot_shared_accounts: [...snapshot_shared_accounts].sort(),
    shared_orgs: [...shared_orgs].sort(),
  };
}

/** What the corpus labels, computed from amiguard's evaluated images. */
export function labelsOf(images: readonly TemplateImage[]): Labels {
  const items = (fields: readonly SharingField[]) =>
    images.flatMap((image) => fields.flatMap((field) => image.fields[field]?.items ?? []));
  const publicness = (field: SharingField): Tri => {
    const all = items([field]);
    if (all.some((item) => item.kind === 'known' && item.value === 'all')) return true;
    return all.some((item) => item.kind === 'unknown') ? 'depends-on-variable' : false;
  };
  const values = (fields: readonly SharingField[]): string[] => {
    const all = items(fields);
    if (all.some((item) => item.kind === 'unknown')) return ['variable'];
    return [...new Set(all.flatMap((item) => (item.kind === 'known' ? [item.value] : [])))].sort();
  };
  return {
    public_ami: publicness('ami_groups'),
    public_snapshot: publicness('snapshot_groups'),
    shared_accounts: values(['ami_users']),
    snapshot_shared_accounts: values(['snapshot_users']),
    shared_orgs: values(['ami_org_arns', 'ami_ou_arns']),
  };
}
