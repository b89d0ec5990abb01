import { join } from 'node:path';
import type { TemplateFormat, UnitRead } from '../../../src/templates/format.js';
import type { VariableInput } from '../../../src/templates/model.js';
import { createUnitContext, type UnitLedger } from '../../../src/templates/unit-context.js';
import { readCloudFormation } from '../../../src/templates/cloudformation/read.js';
import { FORMATS } from '../../../src/templates/registry.js';

export const CORPUS = join(import.meta.dirname, '../../../../shared/corpus/iac');

/** Reads templates with the CloudFormation reader directly, in a context like lint's (embedded code goes to `formats`, the registered ones by default). */
export async function readWith(
  files: readonly string[],
  cwd: string,
  options: { variables?: readonly VariableInput[]; formats?: readonly TemplateFormat[] } = {},
): Promise<UnitRead & { ledger: UnitLedger }> {
  const ledger: UnitLedger = { problems: [], artifacts: [], unread: [], directives: [] };
  const context = createUnitContext({ cwd, variables: options.variables ?? [], useEnv: false, env: {} }, options.formats ?? FORMATS, ledger);
  const read = await readCloudFormation(files, context);
  return { ...read, ledger };
}
