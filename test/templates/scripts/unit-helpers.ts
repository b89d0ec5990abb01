import { basename, dirname, relative, resolve } from 'node:path';
import type { FoundFile, TemplateFormat, UnitRead } from '../../../src/templates/format.js';
import { ciFormat, pythonFormat, shellFormat } from '../../../src/templates/scripts/index.js';
import { createUnitContext, type UnitLedger } from '../../../src/templates/unit-context.js';

export const SCRIPT_FORMATS: readonly TemplateFormat[] = [shellFormat, pythonFormat, ciFormat];

export function found(cwd: string, path: string, named = false): FoundFile {
  const absolute = resolve(cwd, path);
  return { absolute, path: relative(cwd, absolute), name: basename(absolute), folder: dirname(absolute), named };
}

/** The format that takes a file, as discovery offers it: the first that claims it and whose sniff accepts it. */
export function claimant(file: FoundFile): TemplateFormat | { reason: string } | undefined {
  for (const format of SCRIPT_FORMATS) {
    const claim = format.claim(file);
    if (claim === undefined) continue;
    if (claim !== 'maybe' || format.sniff === undefined) return format;
    const sniffed = format.sniff(file);
    if (sniffed === true) return format;
    if (sniffed !== false) return sniffed;
  }
  return undefined;
}

/** Reads files through the formats that claim them, as one run would, without the registry. */
export async function readFiles(cwd: string, paths: readonly string[]): Promise<UnitRead & { ledger: UnitLedger }> {
  const ledger: UnitLedger = { problems: [], artifacts: [], unread: [], directives: [] };
  const context = createUnitContext({ cwd, variables: [], useEnv: false, env: {} }, SCRIPT_FORMATS, ledger);
  const subjects: UnitRead['subjects'][number][] = [];
  const problems: UnitRead['problems'][number][] = [...ledger.problems];
  for (const path of paths) {
    const file = found(cwd, path);
    const format = claimant(file);
    if (format === undefined || !('group' in format)) continue;
    for (const unit of format.group([{ ...file, claim: 'template' }])) {
      const read = await unit.read(unit.files, context);
      subjects.push(...read.subjects);
      problems.push(...read.problems);
    }
  }
  return { subjects, problems: [...problems, ...ledger.problems], ledger };
}
