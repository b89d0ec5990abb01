import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Sharing } from '../../../src/core/index.js';
import type { TemplateFormat, UnitRead } from '../../../src/templates/format.js';
import type { VariableInput } from '../../../src/templates/model.js';
import { createUnitContext, type UnitLedger } from '../../../src/templates/unit-context.js';
import { readCloudFormation } from '../../../src/templates/cloudformation/index.js';

export const CORPUS = join(import.meta.dirname, '../../../../shared/corpus/iac');

/** Reads templates with the CloudFormation reader directly, in a context like lint's. */
export async function readWith(
  files: readonly string[],
  cwd: string,
  options: { variables?: readonly VariableInput[]; formats?: readonly TemplateFormat[] } = {},
): Promise<UnitRead & { ledger: UnitLedger }> {
  const ledger: UnitLedger = { problems: [], artifacts: [], unread: [], directives: [] };
  const context = createUnitContext({ cwd, variables: options.variables ?? [], useEnv: false, env: {} }, options.formats ?? [], ledger);
  const read = await readCloudFormation(files, context);
  return { ...read, ledger };
}

export function caseFiles(id: string): { cwd: string; files: string[] } {
  const cwd = join(CORPUS, id);
  return { cwd, files: readdirSync(cwd).sort() };
}

export interface Labels {
  public_ami: boolean | 'depends-on-variable';
  public_snapshot: boolean | 'depends-on-variable';
  shared_accounts: string[];
  snapshot_shared_accounts: string[];
  shared_orgs: string[];
  shared_ous: string[];
  invalid_grantees: string[];
}

/** The corpus labels of a read, computed from its subjects as README.md defines them. */
export function labelsOf(read: UnitRead): Labels {
  const launch = read.subjects.map((subject) => subject.launch);
  const snapshot = read.subjects.map((subject) => subject.snapshot);
  const publicOf = (sharings: Sharing[]): boolean | 'depends-on-variable' =>
    sharings.some((sharing) => sharing.grants.some((grant) => grant.grantee.kind === 'public'))
      ? true
      : sharings.some((sharing) => sharing.unknowns.some((unknown) => unknown.expects === 'group' || unknown.expects === 'any' || unknown.mayInclude?.includes('all') === true))
        ? 'depends-on-variable'
        : false;
  const values = (sharings: Sharing[], kind: 'account' | 'organization' | 'ou'): string[] => {
    const found = new Set<string>();
    for (const sharing of sharings) {
      for (const grant of sharing.grants) {
        const grantee = grant.grantee;
        if (grantee.kind !== kind) continue;
        if (grantee.kind === 'account') found.add(grantee.id);
        else found.add(grantee.arn);
      }
      for (const invalid of sharing.invalid) if (invalid.expects === kind) found.add(invalid.raw);
      for (const unknown of sharing.unknowns) if (unknown.expects === kind || unknown.expects === 'any') found.add('variable');
    }
    return [...found].sort();
  };
  return {
    public_ami: publicOf(launch),
    public_snapshot: publicOf(snapshot),
    shared_accounts: values(launch, 'account'),
    snapshot_shared_accounts: values(snapshot, 'account'),
    shared_orgs: values(launch, 'organization'),
    shared_ous: values(launch, 'ou'),
    invalid_grantees: [...new Set([...launch, ...snapshot].flatMap((sharing) => sharing.invalid.map((invalid) => invalid.raw)))].sort(),
  };
}
