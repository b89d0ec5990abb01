/**
 * Random Packer HCL2 templates for the differential test: variables (typed, untyped, with and
 * without defaults, `default = null`), locals, conditionals, `for` expressions, template
 * directives and Packer's functions, composed into the sharing fields of one `amazon-ebs` source,
 * with values spread over auto var-files, explicit var-files and `-var` arguments.
 *
 * Every piece of text exists in two dialects: `current` (what current Packer reads, given to
 * amiguard) and `legacy` (the same meaning written for Packer 1.6.6, which the test runs); they
 * differ only where the test's list of 1.6.6 differences says so. Each construct is a named
 * feature, so that a known disagreement can switch off exactly the construct it is about.
 */
import type { SharingField } from '../../../src/templates/model.js';
import { Random as SeededRandom } from '../../../src/sandbox/random.js';
import { LEGACY_SPELLINGS } from './packer-copy.js';

/** The sandbox's seeded PRNG (mulberry32), with what the generator needs: the same seed gives the same templates. */
export class Random extends SeededRandom {
  /** An integer in [0, below). */
  below(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index -= 1) {
      const other = this.below(index + 1);
      const a = copy[index];
      const b = copy[other];
      if (a === undefined || b === undefined) continue;
      copy[index] = b;
      copy[other] = a;
    }
    return copy;
  }
}

/** One piece of HCL in both dialects. */
export interface Code {
  readonly current: string;
  readonly legacy: string;
}

const same = (text: string): Code => ({ current: text, legacy: text });

/** Joins pieces around literal text: `code\`f(${a}, ${b})\``. */
function code(strings: TemplateStringsArray, ...parts: readonly Code[]): Code {
  let current = strings[0] ?? '';
  let legacy = strings[0] ?? '';
  parts.forEach((part, index) => {
    current += part.current + (strings[index + 1] ?? '');
    legacy += part.legacy + (strings[index + 1] ?? '');
  });
  return { current, legacy };
}

/** A call of a function 1.6.6 lacks: as current Packer writes it, and in 1.6.6's functions. */
function legacy(name: string, args: readonly Code[]): Code {
  const spell = LEGACY_SPELLINGS.get(name);
  if (spell === undefined) throw new Error(`no 1.6.6 spelling for ${name}()`);
  return { current: `${name}(${args.map((arg) => arg.current).join(', ')})`, legacy: spell(args.map((arg) => arg.legacy)) };
}

function literal(value: JsonValue): Code {
  return same(JSON.stringify(value));
}

export type JsonValue = string | number | boolean | null | readonly JsonValue[];

/** Values a sharing field may hold, and words for the string functions to work on. */
const STRINGS = [
  '123456789012',
  '210987654321',
  '111122223333',
  'all',
  'dev',
  'Prod',
  'a-b',
  'x_y z',
  '',
  'arn:aws:organizations::123456789012:organization/o-abc123',
  'arn:aws:organizations::123456789012:ou/o-abc123/ou-ab12-cdef3456',
];
const WORDS = ['a', '-', '1', 'all', 'dev', 'x', '12'];

type Kind = 'string' | 'list' | 'bool' | 'number';

export interface VariableSpec {
  readonly name: string;
  readonly kind: Kind;
  /** `type = ...`; undefined: the variable takes the type of its default. */
  readonly type: string | undefined;
  /** undefined: no default (then an auto var-file always sets it); null: `default = null`. */
  readonly default: JsonValue | undefined;
  /** An untyped variable with a non-empty list default is a tuple of that length: values keep it. */
  readonly fixedLength: number | undefined;
  /** `default = null` list variables are only read through a null test. */
  readonly nullable: boolean;
}

/** Where a variable's value is assigned, besides its default. */
export interface Assignment {
  readonly variable: VariableSpec;
  readonly value: JsonValue;
}

export interface GeneratedTemplate {
  readonly id: string;
  readonly file: string;
  /** The template; its 1.6.6 copy has no source block, and holds each field's expression in a local. */
  readonly text: Code;
  /** The source block for 1.6.6 (`packer validate` starts a plugin process per source: few are). */
  readonly legacySource: string;
  readonly variables: readonly VariableSpec[];
  /** The sharing fields the source sets, with the expression of each. */
  readonly fields: readonly { readonly field: SharingField; readonly expression: Code }[];
  /** The names of its other locals (Packer refuses a configuration when any local fails). */
  readonly locals: readonly string[];
  /**
   * The 1.6.6 text of each local and field local (by key), with every local it reads written
   * inline: 1.6.6 evaluates locals in Go's map order, these text in any order gives the value
   * current Packer computes in dependency order.
   */
  readonly inlined: ReadonlyMap<string, string>;
  /** Its variable blocks alone: the template with what Packer refused of it taken out. */
  readonly variablesOnly: string;
  readonly features: ReadonlySet<string>;
}

/** `-var name=value` or `-var-file=path`, in command-line order. */
export type Argument = { readonly kind: 'var'; readonly name: string; readonly value: string } | { readonly kind: 'var-file'; readonly path: string };

/** A var-file; `asHcl` is the same assignments in HCL syntax. */
export interface VarFile {
  readonly path: string;
  readonly text: string;
  readonly asHcl: string;
}

export interface GeneratedBatch {
  readonly templates: readonly GeneratedTemplate[];
  /** `*.auto.pkrvars.hcl` / `*.auto.pkrvars.json` in the folder. */
  readonly autoVarFiles: readonly VarFile[];
  /** Var-files named on the command line. */
  readonly varFiles: readonly VarFile[];
  /** Command lines to evaluate the batch with. */
  readonly invocations: readonly (readonly Argument[])[];
}

/** The constructs the generator can write; a known disagreement turns one off. */
export const FEATURES = [
  'untyped-variable',
  'untyped-list-variable',
  'null-default',
  'variable-without-default',
  'number-variable',
  'local',
  'conditional',
  'for',
  'for-index',
  'for-filter',
  'template',
  'template-directive',
  'interpolation-unwrap',
  'splat',
  'null-field',
  'mixed-list',
  'number-and-bool-list',
  'fn:lower',
  'fn:upper',
  'fn:title',
  'fn:trimspace',
  'fn:chomp',
  'fn:strrev',
  'fn:format',
  'fn:formatlist',
  'fn:join',
  'fn:element',
  'fn:replace',
  'fn:substr',
  'fn:coalesce',
  'fn:coalescelist',
  'fn:lookup',
  'fn:trimprefix',
  'fn:trimsuffix',
  'fn:concat',
  'fn:distinct',
  'fn:compact',
  'fn:sort',
  'fn:reverse',
  'fn:flatten',
  'fn:split',
  'fn:setunion',
  'fn:setintersection',
  'fn:convert',
  'convert-to-set',
  'convert-number-to-string',
  'set-conditional',
  'untyped-empty-list-default',
  'fn:slice',
  'fn:keys',
  'fn:values',
  'fn:contains',
  'fn:length',
  'fn:startswith',
  'fn:endswith',
  'fn:strcontains',
  'fn:alltrue',
  'fn:anytrue',
  'fn:max',
  'fn:min',
] as const;
export type Feature = (typeof FEATURES)[number];

const SHARING: readonly SharingField[] = ['ami_users', 'ami_groups', 'ami_org_arns', 'ami_ou_arns', 'snapshot_users', 'snapshot_groups'];

function randomValue(random: Random, kind: Kind, fixedLength: number | undefined): JsonValue {
  switch (kind) {
    case 'string':
      return random.pick(STRINGS);
    case 'number':
      return random.below(6);
    case 'bool':
      return random.chance(0.5);
    case 'list':
      return Array.from({ length: fixedLength ?? random.below(4) }, () => random.pick(STRINGS));
  }
}

/** Generates one template at a time, with the names it may refer to. */
class TemplateWriter {
  readonly features = new Set<Feature>();
  readonly variables: VariableSpec[] = [];
  readonly locals: { name: string; kind: Kind; expression: Code }[] = [];

  constructor(
    private readonly random: Random,
    private readonly prefix: string,
    private readonly enabled: (feature: Feature) => boolean,
  ) {}

  /** One alternative among those whose features are all enabled; records what it used. */
  private choose<T>(alternatives: readonly (readonly [readonly Feature[], () => T])[]): T {
    const open = alternatives.filter(([features]) => features.every(this.enabled));
    const [features, make] = this.random.pick(open);
    for (const feature of features) this.features.add(feature);
    return make();
  }

  value(kind: Kind): JsonValue {
    return randomValue(this.random, kind, undefined);
  }

  declareVariables(): void {
    const count = 1 + this.random.below(4);
    for (let index = 0; index < count; index += 1) {
      const name = `${this.prefix}v${index}`;
      const kind = this.choose<Kind>([
        [[], () => 'string'],
        [[], () => 'list'],
        [[], () => 'bool'],
        [['number-variable'], () => 'number'],
      ]);
      const typeName = { string: 'string', list: 'list(string)', bool: 'bool', number: 'number' }[kind];
      const spec = this.choose<VariableSpec>([
        [[], () => ({ name, kind, type: typeName, default: this.value(kind), fixedLength: undefined, nullable: false })],
        [['variable-without-default'], () => ({ name, kind, type: typeName, default: undefined, fixedLength: undefined, nullable: false })],
        [
          kind === 'list' ? ['untyped-list-variable'] : ['untyped-variable'],
          () => {
            let initial = this.value(kind);
            // An empty default leaves the type open: values of any length (from var-files only).
            if (Array.isArray(initial) && initial.length === 0) {
              if (this.enabled('untyped-empty-list-default')) this.features.add('untyped-empty-list-default');
              else initial = [this.random.pick(STRINGS)];
            }
            const fixedLength = Array.isArray(initial) && initial.length > 0 ? initial.length : undefined;
            return { name, kind, type: undefined, default: initial, fixedLength, nullable: false };
          },
        ],
        ...(kind === 'list'
          ? [
              [['null-default'], (): VariableSpec => ({ name, kind, type: typeName, default: null, fixedLength: undefined, nullable: true })] as const,
              // No type and a null default: any value, and a -var value is an HCL expression.
              [['null-default', 'untyped-variable'], (): VariableSpec => ({ name, kind, type: undefined, default: null, fixedLength: undefined, nullable: true })] as const,
            ]
          : []),
      ]);
      this.variables.push(spec);
    }
  }

  declareLocals(): void {
    if (!this.enabled('local')) return;
    const count = this.random.below(4);
    for (let index = 0; index < count; index += 1) {
      this.features.add('local');
      const kind = this.random.pick<Kind>(['string', 'list', 'list', 'bool']);
      const expression = this.expression(kind, 2);
      this.locals.push({ name: `${this.prefix}l${index}`, kind, expression });
    }
  }

  /** A reference to a variable or local of this kind, if there is one. */
  private reference(kind: Kind): Code | undefined {
    const names = [
      ...this.variables.filter((spec) => spec.kind === kind && !spec.nullable).map(variableReference),
      ...this.locals.filter((local) => local.kind === kind).map((local) => same(`local.${local.name}`)),
    ];
    return names.length === 0 ? undefined : this.random.pick(names);
  }

  expression(kind: Kind, depth: number): Code {
    if (depth <= 0 || this.random.chance(0.25)) return this.leaf(kind);
    const d = depth - 1;
    switch (kind) {
      case 'string':
        return this.stringExpression(d);
      case 'list':
        return this.listExpression(d);
      case 'bool':
        return this.boolExpression(d);
      case 'number':
        return this.numberExpression(d);
    }
  }

  private leaf(kind: Kind): Code {
    const reference = this.random.chance(0.6) ? this.reference(kind) : undefined;
    if (reference !== undefined) return reference;
    if (kind === 'list' && this.enabled('mixed-list') && this.random.chance(0.15)) {
      this.features.add('mixed-list');
      // Strings and numbers unify to strings whatever a filter leaves of them.
      return code`[${literal(this.random.pick(STRINGS))}, ${literal(this.random.below(10))}]`;
    }
    if (kind === 'list' && this.enabled('number-and-bool-list') && this.random.chance(0.05)) {
      this.features.add('number-and-bool-list');
      return code`[${literal(this.random.below(10))}, ${literal(this.random.chance(0.5))}]`;
    }
    return literal(this.value(kind));
  }

  private word(): Code {
    return literal(this.random.pick(WORDS));
  }

  private stringExpression(d: number): Code {
    const s = () => this.expression('string', d);
    const l = () => this.expression('list', d);
    const b = () => this.expression('bool', d);
    const n = () => this.expression('number', d);
    return this.choose<Code>([
      [['conditional'], () => code`(${b()} ? ${s()} : ${s()})`],
      [['template'], () => this.template([s(), s()])],
      [['template'], () => this.template([n()])],
      [['template-directive'], () => code`"%{ if ${b()} }${same(this.random.pick(['all', 'x', '123456789012']))}%{ else }${same(this.random.pick(['dev', '']))}%{ endif }"`],
      [['fn:lower'], () => code`lower(${s()})`],
      [['fn:upper'], () => code`upper(${s()})`],
      [['fn:title'], () => code`title(${s()})`],
      [['fn:trimspace'], () => code`trimspace(${s()})`],
      [['fn:chomp'], () => code`chomp(${s()})`],
      [['fn:strrev'], () => code`strrev(${s()})`],
      [['fn:format'], () => code`format("%s-%s", ${s()}, ${s()})`],
      [['fn:format', 'number-variable'], () => code`format("%d", ${n()})`],
      [['fn:join'], () => code`join(${literal(this.random.pick([',', '', '-']))}, ${l()})`],
      [['fn:element', 'fn:concat'], () => code`element(concat(${l()}, ["z"]), ${n()})`],
      [['fn:replace'], () => code`replace(${s()}, ${this.word()}, ${literal(this.random.pick(['b', '', 'x']))})`],
      [['fn:substr'], () => code`substr(${s()}, ${literal(this.random.below(3))}, ${literal(this.random.below(6))})`],
      [['fn:coalesce'], () => code`coalesce(${s()}, "x")`],
      [['fn:lookup'], () => code`lookup({ a = ${s()}, b = ${s()} }, ${literal(this.random.pick(['a', 'b', 'c']))}, ${s()})`],
      [['fn:trimprefix'], () => code`trimprefix(${s()}, ${this.word()})`],
      [['fn:trimsuffix'], () => code`trimsuffix(${s()}, ${this.word()})`],
      [['fn:convert'], () => tostring(s())],
      [['fn:convert', 'convert-number-to-string'], () => tostring(n())],
    ]);
  }

  private template(parts: readonly Code[]): Code {
    // A template of one interpolation is that value itself; a prefix makes it a string.
    const inner = parts.map((part) => code`\${${part}}`);
    const current = inner.map((part) => part.current).join('-');
    const legacy = inner.map((part) => part.legacy).join('-');
    return { current: `"v${current}"`, legacy: `"v${legacy}"` };
  }

  private listExpression(d: number): Code {
    const s = () => this.expression('string', d);
    const l = () => this.expression('list', d);
    const b = () => this.expression('bool', d);
    const n = () => this.expression('number', d);
    return this.choose<Code>([
      [[], () => code`[${s()}]`],
      [[], () => code`[${s()}, ${s()}]`],
      [['conditional'], () => code`(${b()} ? ${l()} : ${l()})`],
      [['fn:concat'], () => code`concat(${l()}, ${l()})`],
      [['for', 'fn:lower'], () => code`[for x in ${l()} : lower(x)]`],
      [['for', 'template'], () => code`[for x in ${l()} : "\${x}-1"]`],
      [['for', 'for-filter'], () => code`[for x in ${l()} : x if x != ${s()}]`],
      [['for', 'for-index', 'template'], () => code`[for i, x in ${l()} : "\${i}\${x}"]`],
      [['for', 'fn:keys', 'fn:distinct'], () => code`keys({ for x in distinct(${l()}) : x => true })`],
      [['interpolation-unwrap'], () => code`"\${${l()}}"`],
      [['template-directive', 'fn:compact', 'fn:split'], () => code`compact(split(",", "%{ for x in ${l()} }\${x},%{ endfor }"))`],
      [['splat'], () => code`[{ a = ${s()} }, { a = ${s()} }][*].a`],
      [['fn:distinct'], () => code`distinct(${l()})`],
      [['fn:compact'], () => code`compact(${l()})`],
      [['fn:sort'], () => code`sort(${l()})`],
      [['fn:reverse'], () => code`reverse(${l()})`],
      [['fn:flatten'], () => code`flatten([${l()}, [${s()}]])`],
      [['fn:split'], () => code`split(${literal(this.random.pick([',', '-', ':']))}, ${s()})`],
      // A set is not a list to concat(), coalescelist() or reverse(): sets are made lists here
      // (and met as sets in fieldExpression).
      [['fn:setunion', 'fn:convert'], () => tolist(code`setunion(${l()}, ${l()})`)],
      [['fn:setintersection', 'fn:convert'], () => tolist(code`setintersection(${l()}, ${l()})`)],
      [['fn:convert', 'convert-to-set'], () => tolist(toset(l()))],
      [['fn:convert'], () => tolist(l())],
      [['fn:coalescelist'], () => code`coalescelist(${l()}, ["x"])`],
      [['fn:slice', 'fn:min', 'fn:length'], () => {
        const list = l();
        return code`slice(${list}, 0, min(${n()}, length(${list})))`;
      }],
      [['fn:keys'], () => code`keys({ a = ${s()}, b = ${s()} })`],
      [['fn:values'], () => code`values({ b = ${s()}, a = ${s()} })`],
      [['fn:formatlist'], () => code`formatlist("%s-x", ${l()})`],
      [['fn:split', 'fn:join'], () => code`split(",", join(",", ${l()}))`],
      [['null-default', 'conditional'], () => this.nullableReference(l)],
    ]);
  }

  /** A `default = null` list variable, read through a null test. */
  private nullableReference(otherwise: () => Code): Code {
    const nullable = this.variables.filter((spec) => spec.nullable);
    if (nullable.length === 0) return otherwise();
    const name = `var.${this.random.pick(nullable).name}`;
    return code`(${same(name)} == null ? ${otherwise()} : ${same(name)})`;
  }

  private boolExpression(d: number): Code {
    const s = () => this.expression('string', d);
    const l = () => this.expression('list', d);
    const b = () => this.expression('bool', d);
    const n = () => this.expression('number', d);
    return this.choose<Code>([
      [[], () => code`(${s()} == ${s()})`],
      [[], () => code`(${s()} != ${s()})`],
      [[], () => code`(!${b()})`],
      [[], () => code`(${b()} && ${b()})`],
      [[], () => code`(${b()} || ${b()})`],
      [['fn:contains'], () => code`contains(${l()}, ${s()})`],
      [['fn:length'], () => code`(length(${l()}) > ${n()})`],
      [['fn:startswith'], () => legacy('startswith', [s(), this.word()])],
      [['fn:endswith'], () => legacy('endswith', [s(), this.word()])],
      [['fn:strcontains'], () => legacy('strcontains', [s(), this.word()])],
      [['fn:alltrue'], () => legacy('alltrue', [code`[${b()}, ${b()}]`])],
      [['fn:anytrue'], () => legacy('anytrue', [code`[${b()}, ${b()}]`])],
    ]);
  }

  private numberExpression(d: number): Code {
    const l = () => this.expression('list', d);
    const n = () => this.expression('number', d);
    return this.choose<Code>([
      [[], () => literal(this.random.below(5))],
      [['fn:length'], () => code`length(${l()})`],
      [['fn:max'], () => code`max(${n()}, ${n()})`],
      [['fn:min'], () => code`min(${n()}, ${n()})`],
      [['conditional'], () => code`(${this.expression('bool', d)} ? ${n()} : ${n()})`],
    ]);
  }

  fieldExpression(): Code {
    return this.choose<Code>([
      [[], () => this.expression('list', 3)],
      [[], () => this.expression('list', 3)],
      [[], () => this.expression('list', 3)],
      [['null-field'], () => same('null')],
      [['null-field', 'conditional'], () => code`${this.expression('bool', 2)} ? ${this.expression('list', 2)} : null`],
      // A set where a list is expected: the conditional's two arms unify to a set.
      [['fn:setunion', 'conditional', 'set-conditional'], () => code`${this.expression('bool', 2)} ? setunion(${this.expression('list', 2)}, ${this.expression('list', 2)}) : ${this.expression('list', 2)}`],
      [['fn:convert', 'convert-to-set'], () => toset(this.expression('list', 2))],
    ]);
  }
}

// Current Packer has convert() and no tolist(), toset() or tostring().
function tolist(argument: Code): Code {
  return code`convert(${argument}, list(string))`;
}

function toset(argument: Code): Code {
  return code`convert(${argument}, set(string))`;
}

function tostring(argument: Code): Code {
  return code`convert(${argument}, string)`;
}

/** Fields 1.6.6's amazon-ebs does not know: the test evaluates them but leaves them out of its source. */
export const FIELDS_NEWER_THAN_1_6_6: ReadonlySet<SharingField> = new Set(['ami_org_arns', 'ami_ou_arns']);

/** The local that holds a field's expression in the 1.6.6 copy, for `packer console`. */
export function fieldLocal(id: string, field: SharingField): string {
  return `${id}_${field}`;
}

export function generateTemplate(random: Random, id: string, enabled: (feature: Feature) => boolean): GeneratedTemplate {
  const writer = new TemplateWriter(random, `${id}_`, enabled);
  writer.declareVariables();
  writer.declareLocals();
  const fields = random
    .shuffle(SHARING)
    .slice(0, 1 + random.below(3))
    .map((field) => ({ field, expression: writer.fieldExpression() }));

  const lines: Code[] = [];
  for (const spec of writer.variables) {
    lines.push(same(`variable "${spec.name}" {`));
    if (spec.type !== undefined) lines.push(same(`  type = ${spec.type}`));
    // 1.6.6 gives `default = []` the empty tuple's type (and knows no `any`); current Packer
    // leaves the type open, and the values given here are lists of strings.
    else if (legacyTypedAsList(spec)) lines.push({ current: '', legacy: '  type = list(string)' });
    if (spec.default !== undefined) lines.push(same(`  default = ${JSON.stringify(spec.default)}`));
    lines.push(same('}'));
  }
  if (writer.locals.length > 0) {
    lines.push(same('locals {'));
    for (const local of writer.locals) lines.push(code`  ${same(local.name)} = ${local.expression}`);
    lines.push(same('}'));
  }
  const source: Code[] = [same(`source "amazon-ebs" "${id}" {`)];
  source.push(same(`  ami_name = "${id}"`), same('  region = "us-east-1"'), same('  instance_type = "t3.micro"'));
  source.push(same('  source_ami = "ami-12345678"'), same('  ssh_username = "ec2-user"'));
  for (const { field, expression } of fields) {
    const line = code`  ${same(field)} = ${expression}`;
    source.push(FIELDS_NEWER_THAN_1_6_6.has(field) ? { current: line.current, legacy: '' } : line);
  }
  source.push(same('}'));
  // Packer 1.6.6 is asked for each field through a local holding the field's expression.
  const fieldLocals = [`locals {`, ...fields.map(({ field, expression }) => `  ${fieldLocal(id, field)} = ${expression.legacy}`), '}'];
  const join = (pieces: readonly string[]): string => pieces.filter((line) => line !== '').join('\n') + '\n';
  const text = {
    current: join([...lines, ...source].map((line) => line.current)),
    legacy: join([...lines.map((line) => line.legacy), ...fieldLocals]),
  };
  const legacySource = join(source.map((line) => line.legacy));
  const variablesOnly = join(lines.slice(0, lines.findIndex((line) => line.current === 'locals {') === -1 ? lines.length : lines.findIndex((line) => line.current === 'locals {')).map((line) => line.current));
  const locals = writer.locals.map((local) => local.name);
  // A local reads only the locals declared before it: one pass in order inlines them all.
  const inlined = new Map<string, string>();
  const inline = (text: string): string => text.replace(/\blocal\.([A-Za-z0-9_]+)/g, (reference, name: string) => {
    const expression = inlined.get(name);
    if (expression === undefined) throw new Error(`${id}: ${reference} is read before it is declared`);
    return `(${expression})`;
  });
  for (const local of writer.locals) inlined.set(local.name, inline(local.expression.legacy));
  for (const { field, expression } of fields) inlined.set(fieldLocal(id, field), inline(expression.legacy));
  return { id, file: `${id}.pkr.hcl`, text, legacySource, variables: writer.variables, fields, locals, inlined, variablesOnly, features: writer.features };
}

/**
 * A reference to a variable. Without a type and with `default = []`, current Packer leaves the
 * type open and a var-file's list stays a tuple; 1.6.6 needs `type = list(string)` there, so its
 * reference is written as a `for` expression, which makes the same tuple again. (A list and a set
 * unify to a list, keeping its order; a tuple and a set, to a set.)
 */
function variableReference(spec: VariableSpec): Code {
  const name = `var.${spec.name}`;
  return legacyTypedAsList(spec) ? { current: name, legacy: `[for x in ${name} : x]` } : same(name);
}

function legacyTypedAsList(spec: VariableSpec): boolean {
  return spec.type === undefined && Array.isArray(spec.default) && spec.default.length === 0;
}

/**
 * Current Packer takes a `-var` value as a string for a variable without a type whose default is
 * null or an empty list (its type stays "any"; 1.6.6 parses the value as an expression instead).
 * Such variables are list-valued here, so they get their values from var-files only.
 */
function takesCliValueAsString(spec: VariableSpec): boolean {
  return spec.type === undefined && (spec.default === null || (Array.isArray(spec.default) && spec.default.length === 0));
}

/** The text of a `-var` value: strings and numbers as they are, anything else as an HCL expression. */
function cliValue(value: JsonValue): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/**
 * A batch of templates sharing one folder (Packer starts in ~0.4 s, so one `packer console` call
 * evaluates a whole batch), with var-files that set their variables and command lines that order
 * those var-files and `-var` arguments differently.
 */
export function generateBatch(random: Random, firstId: number, size: number, invocations: number, enabled: (feature: Feature) => boolean): GeneratedBatch {
  const templates = Array.from({ length: size }, (_, index) => generateTemplate(random, `t${String(firstId + index).padStart(5, '0')}`, enabled));
  const variables = templates.flatMap((template) => template.variables);
  const valueOf = (spec: VariableSpec): JsonValue => randomValue(random, spec.kind, spec.fixedLength);

  const autoNames = [
    ...Array.from({ length: random.below(3) }, (_, index) => `auto${index}.auto.pkrvars.hcl`),
    ...Array.from({ length: random.below(3) }, (_, index) => `auto${index}.auto.pkrvars.json`),
  ];
  const fileNames = Array.from({ length: 1 + random.below(3) }, (_, index) => `values${index}.pkrvars.${random.chance(0.5) ? 'hcl' : 'json'}`);
  const assignments = new Map<string, Assignment[]>([...autoNames, ...fileNames].map((name) => [name, []]));
  for (const spec of variables) {
    for (const name of [...autoNames, ...fileNames]) {
      if (random.chance(0.3)) assignments.get(name)?.push({ variable: spec, value: valueOf(spec) });
    }
    // A variable without a default needs a value on every command line: an auto var-file gives it.
    if (spec.default === undefined && !autoNames.some((name) => assignments.get(name)?.some((entry) => entry.variable === spec))) {
      const name = autoNames.length > 0 ? random.pick(autoNames) : 'auto9.auto.pkrvars.hcl';
      if (!assignments.has(name)) {
        assignments.set(name, []);
        autoNames.push(name);
      }
      assignments.get(name)?.push({ variable: spec, value: valueOf(spec) });
    }
  }
  const render = (name: string): VarFile => {
    const entries = assignments.get(name) ?? [];
    const asHcl = entries.map((entry) => `${entry.variable.name} = ${JSON.stringify(entry.value)}\n`).join('');
    const text = name.endsWith('.json') ? `${JSON.stringify(Object.fromEntries(entries.map((entry) => [entry.variable.name, entry.value])), null, 2)}\n` : asHcl;
    return { path: name, text, asHcl };
  };

  const commandLines = Array.from({ length: invocations }, () => {
    const args: Argument[] = random
      .shuffle(fileNames)
      .filter(() => random.chance(0.7))
      .map((path) => ({ kind: 'var-file', path }));
    for (const spec of variables.filter((candidate) => !takesCliValueAsString(candidate))) {
      const times = random.chance(0.15) ? 1 + random.below(2) : 0;
      for (let time = 0; time < times; time += 1) {
        args.splice(random.below(args.length + 1), 0, { kind: 'var', name: spec.name, value: cliValue(valueOf(spec)) });
      }
    }
    return args;
  });
  return { templates, autoVarFiles: autoNames.sort().map(render), varFiles: fileNames.map(render), invocations: commandLines };
}
