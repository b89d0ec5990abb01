import type { ImageSubject, Sharing } from '../../../src/core/index.js';
import type { UnitRead } from '../../../src/templates/format.js';
import { readPythonText } from '../../../src/templates/scripts/python.js';
import { readShellText } from '../../../src/templates/scripts/shell.js';
import { fileLocator } from '../../../src/templates/scripts/text.js';

/**
 * One line per grant, unknown and invalid value, for compact assertions:
 * `launch public --launch-permission 3:38-3:41 [when X]`.
 */
export function summarize(read: Pick<UnitRead, 'subjects'>): string[] {
  return read.subjects.flatMap((subject: ImageSubject) => [...lines('launch', subject.launch), ...lines('snapshot', subject.snapshot)]);
}

function lines(side: string, sharing: Sharing): string[] {
  const at = (location: { kind: string; line?: number; column?: number; endLine?: number; endColumn?: number }): string =>
    location.kind === 'source' ? `${location.line}:${location.column}-${location.endLine}:${location.endColumn}` : 'aws';
  const when = (condition: string | undefined): string => (condition === undefined ? '' : ` [when ${condition}]`);
  return [
    ...sharing.grants.map((grant) => {
      const who = grant.grantee.kind === 'public' ? 'public' : grant.grantee.kind === 'account' ? grant.grantee.id : grant.grantee.arn;
      return `${side} ${who} ${grant.field} ${at(grant.location)}${when(grant.condition)}`;
    }),
    ...sharing.unknowns.map((unknown) => `${side} unknown(${unknown.expects ?? '?'}) ${unknown.field} ${at(unknown.location)}: ${unknown.reason}${unknown.mayInclude === undefined ? '' : ` may be ${unknown.mayInclude.join('|')}`}${when(unknown.condition)}`),
    ...sharing.invalid.map((invalid) => `${side} invalid ${invalid.raw} ${invalid.field} ${at(invalid.location)}`),
  ];
}

export async function shell(text: string): Promise<UnitRead> {
  return readShellText(text, fileLocator('script.sh', text));
}

export async function python(text: string): Promise<UnitRead> {
  return readPythonText(text, fileLocator('script.py', text));
}
