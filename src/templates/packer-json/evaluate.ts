import type { MemberNode, ValueNode } from '@humanwhocodes/momoa';
import type { SourceLocation } from '../../core/index.js';
import type { EvaluatedField, EvaluatedItem, EvaluatedScalar, SharingField, TemplateProblem } from '../model.js';
import { parseGoTemplate } from './go-template.js';
import { describeNode, goNumberString, locationOf } from './json-tree.js';
import { envReference, unevaluatedReason, userReference, type VariableScope } from './variables.js';

/** How a piece of rendered text was reached, when it came from a user variable. */
interface Reference {
  readonly via: string;
  readonly origin?: SourceLocation;
}

/** A string value after interpolation: literal text, variable values, and what stays unknown. */
type Piece =
  | { readonly kind: 'text'; readonly text: string; readonly reference?: Reference }
  | { readonly kind: 'unknown'; readonly reason: string; readonly reference?: Reference };

export interface Evaluator {
  readonly file: string;
  readonly scope: VariableScope;
  readonly problems: TemplateProblem[];
}

/** Renders a builder's string as Packer does: `{{user}}` resolves, other functions are unknown here. */
function render(value: string, scope: VariableScope): readonly Piece[] {
  const parsed = parseGoTemplate(value);
  if (!parsed.ok) return [{ kind: 'unknown', reason: `invalid template: ${parsed.problem}` }];
  return parsed.parts.map((part): Piece => {
    switch (part.kind) {
      case 'text':
        return { kind: 'text', text: part.text };
      case 'user': {
        const resolution = scope.resolve(part.name);
        const reference: Reference = {
          via: userReference(part.name),
          ...(resolution.origin === undefined ? {} : { origin: resolution.origin }),
        };
        return resolution.kind === 'known'
          ? { kind: 'text', text: resolution.value, reference }
          : { kind: 'unknown', reason: resolution.reason, reference };
      }
      case 'env':
        return {
          kind: 'unknown',
          reason: `${envReference(part.name)} is only allowed in "variables"; Packer rejects it in a builder`,
        };
      case 'other':
        return { kind: 'unknown', reason: unevaluatedReason(part) };
    }
  });
}

type UnknownPiece = Extract<Piece, { kind: 'unknown' }>;

/** One item being built from pieces: its text so far, the first unknown, the variables it used. */
class ItemBuilder {
  private text = '';
  private unknown: UnknownPiece | undefined;
  private readonly references = new Map<string, Reference>();

  /** Adds an unknown piece, or `text` (all of a text piece, or the part between commas). */
  add(piece: Piece, text = piece.kind === 'text' ? piece.text : ''): void {
    if (piece.kind === 'unknown') {
      this.unknown ??= piece;
      return;
    }
    this.text += text;
    if (piece.reference !== undefined && text !== '') this.references.set(piece.reference.via, piece.reference);
  }

  build(location: SourceLocation): EvaluatedItem {
    if (this.unknown !== undefined) {
      return { kind: 'unknown', reason: this.unknown.reason, location, ...provenance(this.unknown.reference) };
    }
    const references = [...this.references.values()];
    const [only] = references;
    const via =
      references.length === 1 && only !== undefined
        ? provenance(only)
        : references.length > 1
          ? { via: references.map((reference) => reference.via).join(' ') }
          : {};
    return { kind: 'known', value: this.text, location, ...via };
  }
}

function provenance(reference: Reference | undefined): { via?: string; origin?: SourceLocation } {
  if (reference === undefined) return {};
  return reference.origin === undefined ? { via: reference.via } : { via: reference.via, origin: reference.origin };
}

/**
 * A string where Packer expects a list: mapstructure's StringToSliceHookFunc splits the rendered
 * string on commas, and the empty string is the empty list. A part that stays unknown makes the
 * item holding it unknown; the items before and after it are still known.
 */
function splitString(pieces: readonly Piece[], location: SourceLocation): EvaluatedItem[] {
  if (pieces.every((piece) => piece.kind === 'text' && piece.text === '')) return [];
  const items: EvaluatedItem[] = [];
  let current = new ItemBuilder();
  for (const piece of pieces) {
    if (piece.kind === 'unknown') {
      current.add(piece);
      continue;
    }
    const segments = piece.text.split(',');
    segments.forEach((segment, index) => {
      if (index > 0) {
        items.push(current.build(location));
        current = new ItemBuilder();
      }
      current.add(piece, segment);
    });
  }
  items.push(current.build(location));
  return items;
}

/** A list element: rendered whole, never split, and kept when empty (Packer passes "" on to AWS). */
function wholeString(pieces: readonly Piece[], location: SourceLocation): EvaluatedItem {
  const item = new ItemBuilder();
  for (const piece of pieces) item.add(piece);
  return item.build(location);
}

/** A JSON scalar that mapstructure's weak decoding turns into a string; undefined for others. */
function scalarString(node: ValueNode): string | undefined {
  switch (node.type) {
    case 'Number':
      return goNumberString(node.value);
    case 'Boolean':
      return node.value ? '1' : '0';
    default:
      return undefined;
  }
}

/** A sharing field (`"ami_users": ...`) evaluated to its items; undefined when Packer would reject it. */
export function evaluateField(
  evaluator: Evaluator,
  field: SharingField,
  member: MemberNode,
  path: string,
): EvaluatedField | undefined {
  const { file, scope } = evaluator;
  const value = member.value;
  const location = locationOf(file, member);
  const valueLocation = locationOf(file, value);
  switch (value.type) {
    case 'String':
      return { field, location, items: splitString(render(value.value, scope), valueLocation) };
    case 'Null':
      return { field, location, items: [] };
    case 'Array': {
      const items: EvaluatedItem[] = [];
      value.elements.forEach((element, index) => {
        const node = element.value;
        const at = locationOf(file, node);
        if (node.type === 'String') {
          items.push(wholeString(render(node.value, scope), at));
        } else if (node.type === 'Null') {
          // mapstructure leaves the element at its zero value.
          items.push({ kind: 'known', value: '', location: at });
        } else {
          const text = scalarString(node);
          if (text !== undefined) items.push({ kind: 'known', value: text, location: at });
          else {
            evaluator.problems.push({
              message: `${path}.${field}[${index}] is ${describeNode(node)}; Packer expects a string`,
              location: at,
            });
          }
        }
      });
      return { field, location, items };
    }
    default: {
      const text = scalarString(value);
      if (text !== undefined) return { field, location, items: [{ kind: 'known', value: text, location: valueLocation }] };
      evaluator.problems.push({
        message: `${path}.${field} is ${describeNode(value)}; Packer expects a list of strings or a comma-separated string`,
        location: valueLocation,
      });
      return undefined;
    }
  }
}

/** A string setting rendered whole (`ami_name`, `kms_key_id`). */
export function evaluateString(evaluator: Evaluator, member: MemberNode): EvaluatedScalar<string> {
  const location = locationOf(evaluator.file, member);
  const value = member.value;
  if (value.type === 'Null') return { kind: 'known', value: '', location };
  if (value.type !== 'String') {
    const text = scalarString(value);
    return text === undefined
      ? { kind: 'unknown', reason: `${describeNode(value)} where Packer expects a string`, location }
      : { kind: 'known', value: text, location };
  }
  let text = '';
  for (const piece of render(value.value, evaluator.scope)) {
    if (piece.kind === 'unknown') return { kind: 'unknown', reason: piece.reason, location };
    text += piece.text;
  }
  return { kind: 'known', value: text, location };
}

/**
 * A boolean setting. Packer's Trilean settings (`encrypt_boot`, `encrypted`) read "" as unset;
 * plain booleans (`ami_encrypt`) read it as false. Strings go through Go's strconv.ParseBool.
 */
export function evaluateBoolean(
  evaluator: Evaluator,
  member: MemberNode,
  emptyIsUnset: boolean,
): EvaluatedScalar<boolean> | undefined {
  const location = locationOf(evaluator.file, member);
  const value = member.value;
  if (value.type === 'Boolean') return { kind: 'known', value: value.value, location };
  if (value.type === 'Null') return undefined;
  if (value.type !== 'String') {
    return { kind: 'unknown', reason: `${describeNode(value)} where Packer expects true or false`, location };
  }
  const rendered = evaluateString(evaluator, member);
  if (rendered.kind === 'unknown') return rendered;
  if (rendered.value === '') return emptyIsUnset ? undefined : { kind: 'known', value: false, location };
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(rendered.value)) return { kind: 'known', value: true, location };
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(rendered.value)) return { kind: 'known', value: false, location };
  return { kind: 'unknown', reason: `"${rendered.value}" is not true or false, and Packer rejects it`, location };
}
