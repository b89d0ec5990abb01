import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { ClaimedFile, FoundFile, UnitRead } from '../../../src/templates/format.js';
import { ansibleFormat } from '../../../src/templates/ansible/index.js';
import type { VariableInput } from '../../../src/templates/model.js';
import { createUnitContext, type UnitLedger } from '../../../src/templates/unit-context.js';

export interface AnsibleRead extends UnitRead {
  readonly ledger: UnitLedger;
  /** The files the format claimed (directly or by sniffing), as shown. */
  readonly claimed: readonly string[];
}

/**
 * Runs the Ansible format the way discovery will: every file under `root` offered to claim and
 * sniff, the claimed ones grouped, each unit read. Paths are shown relative to `cwd`.
 */
export async function readAnsibleTree(root: string, options: { cwd?: string; variables?: readonly VariableInput[] } = {}): Promise<AnsibleRead> {
  const cwd = options.cwd ?? root;
  const claimed: ClaimedFile[] = [];
  for (const absolute of walk(root)) {
    const found: FoundFile = { absolute, path: relative(cwd, absolute).split('\\').join('/'), name: basename(absolute), folder: dirname(absolute), named: false };
    const claim = ansibleFormat.claim(found);
    if (claim === undefined || typeof claim === 'object') continue;
    if (claim === 'maybe') {
      if (ansibleFormat.sniff?.(found) !== true) continue;
      claimed.push({ ...found, claim: 'template' });
    } else claimed.push({ ...found, claim });
  }
  const ledger: UnitLedger = { problems: [], artifacts: [], unread: [], directives: [] };
  const context = createUnitContext({ cwd, variables: options.variables ?? [], useEnv: false, env: {} }, [ansibleFormat], ledger);
  const subjects: UnitRead['subjects'][number][] = [];
  const problems: UnitRead['problems'][number][] = [...ledger.problems];
  for (const unit of ansibleFormat.group(claimed)) {
    const read = await unit.read(unit.files, context);
    subjects.push(...read.subjects);
    problems.push(...read.problems);
  }
  problems.push(...ledger.problems.filter((problem) => !problems.includes(problem)));
  return { subjects, problems, ledger, claimed: claimed.map((file) => file.path) };
}

function walk(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    const path = resolve(join(folder, name));
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}
