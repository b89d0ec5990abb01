import type { SourceLocation } from '../../../core/index.js';
import type { EvaluationEnvironment } from '../evaluate.js';
import { asString, describeKind, error, type ListValue, type ObjectValue, type Value } from '../value.js';

export interface CallContext {
  readonly loc: SourceLocation;
  readonly expandFinal: boolean;
  readonly environment: EvaluationEnvironment;
}

export type Implementation = (args: readonly Value[], call: CallContext) => Value;

export interface FunctionSpec {
  readonly minArgs: number;
  /** Undefined: any number (variadic). */
  readonly maxArgs: number | undefined;
  /**
   * 'strict' functions need every argument fully known; 'lenient' ones look inside lists and
   * objects themselves and keep what is known (`concat([a], unknown)` still holds `a`).
   */
  readonly mode: 'strict' | 'lenient';
  readonly run: Implementation;
}

export function strict(minArgs: number, maxArgs: number | undefined, run: Implementation): FunctionSpec {
  return { minArgs, maxArgs, mode: 'strict', run };
}

export function text(value: Value | undefined): string | undefined {
  return value === undefined ? undefined : asString(value);
}

/** A failure of a function's argument, worded like Packer's `Invalid function argument`. */
export function argumentError(name: string, position: number, message: string): Value {
  return error(`function ${name}(): invalid value for argument ${position}: ${message}`);
}

function found(value: Value | undefined): string {
  return value === undefined ? 'nothing' : describeKind(value);
}

export function needString(name: string, value: Value | undefined, position: number): string | Value {
  const result = text(value);
  if (result !== undefined) return result;
  return error(`function ${name}() needs a string as argument ${position}, found ${found(value)}`);
}

/** Strings, or the first failure: for functions whose arguments are all strings. */
export function needStrings(name: string, args: readonly Value[]): string[] | Value {
  const strings: string[] = [];
  for (const [index, arg] of args.entries()) {
    const value = needString(name, arg, index + 1);
    if (typeof value !== 'string') return value;
    strings.push(value);
  }
  return strings;
}

export function needList(name: string, value: Value | undefined, position: number): ListValue | Value {
  if (value?.kind === 'list') return value;
  if (value?.kind === 'unknown') return value;
  return error(`function ${name}() needs a list as argument ${position}, found ${found(value)}`);
}

export function needObject(name: string, value: Value | undefined, position: number): ObjectValue | Value {
  if (value?.kind === 'object') return value;
  if (value?.kind === 'unknown') return value;
  return error(`function ${name}() needs a map or object as argument ${position}, found ${found(value)}`);
}

/** HCL converts numeric strings to numbers. */
function numberOf(value: Value | undefined): number | undefined {
  if (value?.kind === 'number') return value.value;
  if (value?.kind === 'string' && value.value.trim() !== '' && Number.isFinite(Number(value.value))) return Number(value.value);
  return undefined;
}

export function needNumber(name: string, value: Value | undefined, position: number): number | Value {
  const result = numberOf(value);
  return result ?? error(`function ${name}() needs a number as argument ${position}, found ${found(value)}`);
}

/** go-cty converts numbers to Go ints and refuses fractions. */
export function needInteger(name: string, value: Value | undefined, position: number): number | Value {
  const result = numberOf(value);
  if (result === undefined) return error(`function ${name}() needs a number as argument ${position}, found ${found(value)}`);
  if (!Number.isInteger(result)) return argumentError(name, position, 'value must be a whole number');
  return result;
}

export function isValue(candidate: unknown): candidate is Value {
  return typeof candidate === 'object' && candidate !== null && 'kind' in candidate;
}
