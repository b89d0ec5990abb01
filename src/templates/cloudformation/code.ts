import type { ImageSubject, Location, Sharing, SourceLocation } from '../../core/index.js';
import type { CodeLanguage, UnitContext, UnitRead } from '../format.js';
import type { TemplateProblem } from '../model.js';
import { intrinsicOf, scalarText, type Evaluator } from './evaluate.js';
import { child, scalarPosition, type CfnNode, type CfnScalar } from './tree.js';

/**
 * Code written inside a template: a Lambda function's `Code.ZipFile` (or a SAM function's
 * `InlineCode`), an SSM Automation document's `aws:executeScript` step. It is read by the
 * format that reads its language, and what that finds is moved back to where the code sits in
 * the template, character by character where the template writes it as text (a YAML block, a
 * JSON string, the pieces of an `Fn::Join`), at the expression where a value is substituted.
 */
export async function readInlineCode(file: string, root: CfnNode, evaluator: Evaluator, context: UnitContext): Promise<UnitRead> {
  const subjects: ImageSubject[] = [];
  const problems: TemplateProblem[] = [];
  const resources = child(root, 'Resources');
  if (resources?.kind !== 'map') return { subjects, problems };
  // A SAM template may give every function's runtime once, in Globals.
  const defaultRuntime = child(child(child(root, 'Globals'), 'Function'), 'Runtime');
  for (const resource of resources.entries) {
    for (const found of inlineCodeOf(resource.value, evaluator, defaultRuntime)) {
      const condition = resourceCondition(resource.value, evaluator);
      if (condition === false) continue;
      const code = buildCode(found.node, evaluator);
      if (code.text.trim() === '') continue;
      if (found.language === undefined) {
        // Code amiguard has no reader for may still share: say so when it calls the API that does.
        if (/modify_?(?:image|snapshot)_?attribute|LaunchPermission/i.test(code.text)) {
          problems.push({
            message: `${resource.key}: inline ${found.runtime} code that changes image or snapshot permissions is not read by amiguard: any sharing it does was not checked`,
            location: found.node.location,
            unevaluated: true,
          });
        }
        continue;
      }
      // The reader places what it finds (and the lines its messages name) from `at` and `indent`:
      // exact for a YAML block, close for code built from pieces; `locate` then makes it exact.
      const read = await context.readCode(found.language, {
        file,
        text: code.text,
        at: code.at,
        indent: code.indent,
        ...(typeof condition === 'string' ? { condition } : {}),
      });
      const move = (location: SourceLocation): SourceLocation => (location.file === file ? code.locate(location) : location);
      for (const subject of read.subjects) subjects.push(moveSubject(subject, move));
      for (const problem of read.problems) problems.push({ ...problem, location: move(problem.location) });
    }
  }
  return { subjects, problems };
}

interface FoundCode {
  readonly node: CfnNode;
  /** The language amiguard reads it in; undefined for a runtime it has no reader for. */
  readonly language: CodeLanguage | undefined;
  readonly runtime: string;
}

function inlineCodeOf(resource: CfnNode, evaluator: Evaluator, defaultRuntime: CfnNode | undefined): FoundCode[] {
  const type = scalarText(child(resource, 'Type'));
  const properties = child(resource, 'Properties');
  switch (type) {
    case 'AWS::Lambda::Function':
    case 'AWS::Serverless::Function': {
      const node = type === 'AWS::Lambda::Function' ? child(child(properties, 'Code'), 'ZipFile') : child(properties, 'InlineCode');
      if (node === undefined) return [];
      const runtime = runtimeOf(child(properties, 'Runtime') ?? (type === 'AWS::Serverless::Function' ? defaultRuntime : undefined), evaluator);
      return [{ node, runtime, language: languageOf(runtime) }];
    }
    case 'AWS::SSM::Document': {
      const steps = child(child(properties, 'Content'), 'mainSteps');
      if (steps?.kind !== 'list') return [];
      return steps.items.flatMap((step): FoundCode[] => {
        const inputs = child(step, 'inputs');
        const node = child(inputs, 'Script');
        if (scalarText(child(step, 'action')) !== 'aws:executeScript' || node === undefined) return [];
        const runtime = runtimeOf(child(inputs, 'Runtime'), evaluator);
        return [{ node, runtime, language: languageOf(runtime) }];
      });
    }
    default:
      return [];
  }
}

function runtimeOf(node: CfnNode | undefined, evaluator: Evaluator): string {
  if (node === undefined) return 'unknown runtime';
  const value = evaluator.value(node);
  return value.kind === 'string' ? value.value : 'unknown runtime';
}

/** Python unless the runtime says otherwise: an unresolved runtime is read as Python rather than not at all. */
function languageOf(runtime: string): CodeLanguage | undefined {
  if (runtime.startsWith('python') || runtime === 'unknown runtime') return 'python';
  return undefined;
}

/** A resource's `Condition`: true when it has none or it holds, false when it does not, otherwise its name. */
function resourceCondition(resource: CfnNode, evaluator: Evaluator): boolean | string {
  const name = scalarText(child(resource, 'Condition'));
  if (name === undefined) return true;
  const holds = evaluator.condition(name);
  return typeof holds === 'boolean' ? holds : `the stack's condition ${name} holds`;
}

/** A stretch of the code and where it comes from: characters of a scalar, or a substituted value. */
type Segment =
  | { readonly start: number; readonly scalar: CfnScalar; readonly offset: number }
  | { readonly start: number; readonly at: SourceLocation };

export interface CodeText {
  readonly text: string;
  /** Where the code's first character is written. */
  readonly at: { readonly line: number; readonly column: number };
  /** The indentation of its lines after the first, when the code is one YAML block; otherwise 0. */
  readonly indent: number;
  /**
   * Moves a location a reader gave from `at` and `indent` (as `locateEmbedded` does) to where
   * that character of the code is written in the template.
   */
  locate(location: SourceLocation): SourceLocation;
}

/** The code a `ZipFile` (or `Script`) holds, with where each part of it is written. */
export function buildCode(node: CfnNode, evaluator: Evaluator): CodeText {
  const segments: Segment[] = [];
  let text = '';
  const appendScalar = (scalar: CfnScalar, from: number, to: number): void => {
    if (to <= from) return;
    segments.push({ start: text.length, scalar, offset: from });
    text += scalar.value.slice(from, to);
  };
  const appendValue = (value: string, at: SourceLocation): void => {
    segments.push({ start: text.length, at });
    text += value;
  };
  const append = (part: CfnNode, depth: number): void => {
    if (part.kind === 'scalar') return appendScalar(part, 0, part.value.length);
    const intrinsic = intrinsicOf(part);
    if (depth < 8 && intrinsic?.name === 'Fn::Join' && intrinsic.argument.kind === 'list') {
      const [delimiter, list] = intrinsic.argument.items;
      if (delimiter?.kind === 'scalar' && list?.kind === 'list') {
        list.items.forEach((item, index) => {
          if (index > 0) appendScalar(delimiter, 0, delimiter.value.length);
          append(item, depth + 1);
        });
        return;
      }
    }
    if (intrinsic?.name === 'Fn::Sub') {
      const [template, variables] = intrinsic.argument.kind === 'list' ? intrinsic.argument.items : [intrinsic.argument, undefined];
      if (template?.kind === 'scalar') return appendSub(template, variables);
    }
    const value = evaluator.value(part);
    // An unknown value keeps a visible stand-in, so that the code around it still reads.
    appendValue(value.kind === 'string' ? value.value : `\${${describeUnknown(part)}}`, part.location);
  };
  const appendSub = (template: CfnScalar, variables: CfnNode | undefined): void => {
    let last = 0;
    for (const match of template.value.matchAll(/\$\{([^}]*)\}/g)) {
      appendScalar(template, last, match.index);
      last = match.index + match[0].length;
      const name = (match[1] ?? '').trim();
      const position = scalarPosition(template.text, template.value, match.index);
      const at: SourceLocation = { ...template.location, line: position.line, column: position.column, endLine: position.line, endColumn: position.column + match[0].length };
      if (name.startsWith('!')) {
        appendValue(`\${${name.slice(1)}}`, at);
        continue;
      }
      const bound = child(variables, name);
      const value = evaluator.value(bound ?? { kind: 'map', entries: [{ key: 'Ref', keyLocation: at, value: { ...template, value: name } }], location: at });
      appendValue(value.kind === 'string' && !name.includes('.') ? value.value : match[0], at);
    }
    appendScalar(template, last, template.value.length);
  };
  append(node, 0);
  const lineStarts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) lineStarts.push(index + 1);
  const position = (line: number, column: number): { line: number; column: number } => {
    const offset = Math.min(text.length, (lineStarts[Math.max(0, Math.min(line, lineStarts.length) - 1)] ?? 0) + column - 1);
    let segment: Segment | undefined;
    for (const candidate of segments) {
      if (candidate.start > offset) break;
      segment = candidate;
    }
    if (segment === undefined) return { line: node.location.line, column: node.location.column };
    if ('at' in segment) return { line: segment.at.line, column: segment.at.column };
    return scalarPosition(segment.scalar.text, segment.scalar.value, segment.offset + offset - segment.start);
  };
  const at = position(1, 1);
  const [first] = segments;
  const indent = first !== undefined && 'scalar' in first && first.scalar.text.kind === 'lines' ? first.scalar.text.indent : 0;
  // The inverse of locateEmbedded: the code's own line and column.
  const inCode = (line: number, column: number): [number, number] =>
    line === at.line ? [1, column - at.column + 1] : [line - at.line + 1, column - indent];
  return {
    text,
    at,
    indent,
    locate(location) {
      const start = position(...inCode(location.line, location.column));
      const end = position(...inCode(location.endLine, location.endColumn));
      const ordered = end.line > start.line || (end.line === start.line && end.column >= start.column);
      return { ...location, line: start.line, column: start.column, endLine: ordered ? end.line : start.line, endColumn: ordered ? end.column : start.column };
    },
  };
}

function describeUnknown(node: CfnNode): string {
  const intrinsic = intrinsicOf(node);
  if (intrinsic === undefined) return 'value';
  return intrinsic.argument.kind === 'scalar' ? intrinsic.argument.value : intrinsic.name;
}

function moveSubject(subject: ImageSubject, move: (location: SourceLocation) => SourceLocation): ImageSubject {
  const moveAny = (location: Location): Location => (location.kind === 'source' ? move(location) : location);
  const moveSharing = (sharing: Sharing): Sharing => ({
    grants: sharing.grants.map((grant) => ({ ...grant, location: moveAny(grant.location), ...(grant.origin === undefined ? {} : { origin: moveAny(grant.origin) }) })),
    invalid: sharing.invalid.map((grant) => ({ ...grant, location: moveAny(grant.location), ...(grant.origin === undefined ? {} : { origin: moveAny(grant.origin) }) })),
    unknowns: sharing.unknowns.map((grant) => ({ ...grant, location: moveAny(grant.location), ...(grant.origin === undefined ? {} : { origin: moveAny(grant.origin) }) })),
  });
  return {
    ...subject,
    location: moveAny(subject.location),
    launch: moveSharing(subject.launch),
    snapshot: moveSharing(subject.snapshot),
    ...(subject.encryption === undefined ? {} : { encryption: { ...subject.encryption, location: moveAny(subject.encryption.location) } }),
  };
}
