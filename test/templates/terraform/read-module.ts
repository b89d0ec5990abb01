import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ImageSubject, Location } from '../../../src/core/index.js';
import type { UnitContext, UnitRead } from '../../../src/templates/format.js';
import type { VariableInput } from '../../../src/templates/model.js';
import { terraformFormat } from '../../../src/templates/terraform/index.js';
import { readTerraform } from '../../../src/templates/terraform/read.js';
import { createUnitContext, type UnitLedger } from '../../../src/templates/unit-context.js';

export interface ReadOptions {
  readonly variables?: readonly VariableInput[];
  readonly useEnv?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The working directory paths are shown relative to; the folder's parent when absent. */
  readonly cwd?: string;
}

/** Reads one folder as a root module, the way lint's discovery offers it (its claimed files). */
export async function readFolder(folder: string, options: ReadOptions = {}): Promise<UnitRead & { ledger: UnitLedger }> {
  const absolute = resolve(folder);
  const cwd = options.cwd ?? resolve(absolute, '..');
  const claimed = (kind: 'template' | 'companion'): string[] =>
    readdirSync(absolute)
      .sort()
      .filter((name) => terraformFormat.claim({ absolute: join(absolute, name), path: name, name, folder: absolute, named: false }) === kind)
      .map((name) => relative(cwd, join(absolute, name)).split('\\').join('/'));
  const ledger: UnitLedger = { problems: [], artifacts: [], unread: [], directives: [] };
  const context = createUnitContext(
    { cwd, variables: options.variables ?? [], useEnv: options.useEnv ?? false, env: options.env ?? {} },
    [terraformFormat],
    ledger,
  );
  const read = await readTerraform(claimed('template'), claimed('companion'), context);
  return { ...read, problems: [...ledger.problems, ...read.problems], ledger };
}

/** A subject's grants as short text: `account_id=123 @3:16`, `unknown user_ids: reason @4:5`. */
export function describe(subject: ImageSubject): string[] {
  const lines: string[] = [];
  for (const [side, sharing] of [['launch', subject.launch], ['snapshot', subject.snapshot]] as const) {
    for (const grant of sharing.grants) {
      const to = grant.grantee.kind === 'account' ? grant.grantee.id : grant.grantee.kind === 'public' ? 'all' : grant.grantee.arn;
      lines.push(`${side} ${grant.field}=${to} @${where(grant.location)}`);
    }
    for (const invalid of sharing.invalid) lines.push(`${side} invalid ${invalid.field}=${invalid.raw} @${where(invalid.location)}`);
    for (const unknown of sharing.unknowns) {
      const may = unknown.mayInclude === undefined ? '' : ` (may be ${unknown.mayInclude.join(', ')})`;
      lines.push(`${side} unknown ${unknown.field}: ${unknown.reason}${may} @${where(unknown.location)}`);
    }
  }
  return lines;
}

function where(location: Location): string {
  return location.kind === 'source' ? `${location.line}:${location.column}` : location.resourceId;
}

/** A context over texts in memory: the reader sees what a bounded load of these files gives. */
export function memory(files: Readonly<Record<string, string>>): UnitContext {
  return {
    cwd: '/nonexistent',
    variables: [],
    useEnv: false,
    env: {},
    load: (path) => {
      const text = files[path];
      return text === undefined ? undefined : { path, text };
    },
    readVarFile: () => '',
    readCode: () => Promise.resolve({ subjects: [], problems: [] }),
  };
}
