import type { SourceLocation } from '../../../core/index.js';
import type { TemplateProblem } from '../../model.js';
import type { Body, BodySchema, Expr } from '../syntax.js';
import { HclSyntaxError, NativeParser, NestingTooDeep } from './parser.js';
import { locationAt } from '../syntax-error.js';

export { HclSyntaxError, NativeParser, NestingTooDeep } from './parser.js';

export type NativeOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: TemplateProblem };

/**
 * Parses a native-syntax HCL file into the blocks and attributes `schema` keeps. `undefined` when
 * the text nests deeper than recursive descent may go: the caller reads it another way.
 */
export function readHclBody(file: string, text: string, schema: BodySchema): NativeOutcome<Body> | undefined {
  return attempt(text, file, undefined, (parser) => parser.file(schema));
}

const EVERY_ATTRIBUTE: BodySchema = { blocks: new Map() };

/**
 * The value of the first attribute of `source` (a wrapper around an expression or a template
 * parsed out of a string), every node located at `loc`. `value` is undefined when the text holds
 * no attribute.
 */
export function readHclWrapped(source: string, loc: SourceLocation): NativeOutcome<Expr | undefined> | undefined {
  const outcome = attempt(source, loc.file, loc, (parser) => parser.file(EVERY_ATTRIBUTE).attributes[0]?.expr);
  if (outcome === undefined || outcome.ok) return outcome;
  return { ok: false, problem: { message: outcome.problem.message, location: loc } };
}

function attempt<T>(text: string, file: string, fixedLoc: SourceLocation | undefined, read: (parser: NativeParser) => T): NativeOutcome<T> | undefined {
  try {
    return { ok: true, value: read(NativeParser.of(text, file, fixedLoc)) };
  } catch (error) {
    if (error instanceof NestingTooDeep) return undefined;
    if (error instanceof HclSyntaxError) return { ok: false, problem: { message: error.message, location: locationAt(text, file, error.index, error.length) } };
    throw error;
  }
}
