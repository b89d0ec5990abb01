/**
 * `yamldecode` as go-cty-yaml resolves scalars (its `resolve.go`), which is neither YAML 1.1
 * nor 1.2: `yes`/`on`/`y` are true, `012` is 12, `0x10` is 16, `1_000` stays a string, and a
 * date becomes an RFC 3339 string. The `yaml` package parses; this file only resolves.
 */
import type { Document, Scalar } from 'yaml';
import { firstDuplicateKey, yaml, yamlTooDeep } from '../../../core/yaml.js';
import { error, list, NULL, num, object, str, unknown, type Value } from '../value.js';

/** Nodes built per call, aliases included, so that an alias bomb ends as an unknown. */
const MAX_NODES = 100_000;
const MAX_DEPTH = 100;
const TAG = 'tag:yaml.org,2002:';
const TOO_DEEP = 'yamldecode() of a document nested this deeply is not evaluated';

const BOOLEANS: Readonly<Record<string, boolean>> = Object.fromEntries([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((word) => [word, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((word) => [word, false]),
]);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const INFINITIES: Readonly<Record<string, number>> = {
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity, '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};
const INTEGER = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const TIMESTAMP_LIKE = /^\d{4}-\d{1,2}-\d{1,2}[Tt ]/;

class Failure {
  constructor(readonly value: Value) {}
}

/** cty.ParseNumberVal for decimals, then Go's strconv.ParseInt with base 0 (0x, 0o, 0b). */
function parseNumber(text: string): number | undefined {
  const plain = text.replaceAll('_', '');
  if (FLOAT.test(plain)) return Number(plain);
  const digits = plain.replace(/^[-+]/, '');
  if (!/^0[xXoObB][0-9A-Fa-f]+$/.test(digits)) return undefined;
  try {
    const magnitude = Number(BigInt(digits.toLowerCase()));
    return plain.startsWith('-') ? -magnitude : magnitude;
  } catch {
    return undefined;
  }
}

function resolveScalar(node: Scalar): Value {
  const source = String(node.value);
  const tag = node.tag === undefined ? '' : node.tag.startsWith(TAG) ? node.tag.slice(TAG.length) : node.tag;
  if (tag === 'str') return str(source);
  if (tag === 'binary') {
    if (/^[A-Za-z0-9+/=\s]*$/.test(source)) return str(source);
    throw new Failure(error(`function yamldecode(): cannot parse "${source}" as !!binary: not valid base64`));
  }
  if (!['', 'bool', 'int', 'float', 'null', 'timestamp'].includes(tag)) throw new Failure(error(`function yamldecode(): unsupported tag "${node.tag ?? ''}"`));
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const first = source[0] ?? '';
  const hinted = source === '' || /[-+0-9yYnNtTfFoO~.]/.test(first);
  let resolvedTag = tag;
  if (hinted && !quoted) {
    const flag = BOOLEANS[source];
    if (flag !== undefined) return { kind: 'bool', value: flag };
    if (NULLS.has(source)) return NULL;
    const infinity = INFINITIES[source];
    if (infinity !== undefined) return num(infinity);
    if (['.nan', '.NaN', '.NAN'].includes(source) && tag === '') throw new Failure(error('function yamldecode(): floating point NaN is not supported'));
    if (first === '.' && FLOAT.test(source)) return num(Number(source));
    if (/[-+0-9]/.test(first) && (tag === '' || tag === 'timestamp')) {
      const date = DATE.exec(source);
      if (date !== null) return str(`${date[1] ?? ''}-${(date[2] ?? '').padStart(2, '0')}-${(date[3] ?? '').padStart(2, '0')}T00:00:00Z`);
      if (TIMESTAMP_LIKE.test(source)) return unknown(`yamldecode() of the timestamp ${JSON.stringify(source)} is not evaluated`);
    }
    if (/[-+0-9]/.test(first) && tag === '') {
      if (INTEGER.test(source)) resolvedTag = 'int';
      else if (FLOAT.test(source)) resolvedTag = 'float';
    }
  } else if (quoted && tag === '') {
    return str(source);
  }
  switch (resolvedTag) {
    case 'bool': {
      const flag = BOOLEANS[source];
      if (flag === undefined) throw new Failure(error(`function yamldecode(): cannot parse "${source}" as !!bool`));
      return { kind: 'bool', value: flag };
    }
    case 'int':
    case 'float': {
      const value = parseNumber(source);
      if (value === undefined) throw new Failure(error(`function yamldecode(): cannot parse "${source}" as !!${resolvedTag}`));
      return num(value);
    }
    case 'null':
      return NULL;
    case 'timestamp':
      throw new Failure(error(`function yamldecode(): cannot parse "${source}" as !!timestamp`));
    default:
      return str(source);
  }
}

/** A merge key (`<<: *defaults`) brings in a mapping's entries, or each of a sequence's mappings'. */
function mergeInto(entries: Map<string, Value>, value: Value): void {
  const mappings = value.kind === 'list' ? value.items : [value];
  for (const mapping of mappings) {
    if (mapping.kind === 'unknown' || mapping.kind === 'error') throw new Failure(mapping);
    if (mapping.kind !== 'object') throw new Failure(error(`function yamldecode(): cannot merge ${mapping.kind === 'list' ? 'a sequence' : 'a scalar'} into mapping`));
    for (const [key, entry] of mapping.entries) entries.set(key, entry);
  }
}

export function yamlDecode(input: string): Value {
  const { isAlias, isMap, isScalar, isSeq, parseAllDocuments } = yaml();
  if (yamlTooDeep(input, MAX_DEPTH) !== undefined) return unknown(TOO_DEEP);
  let documents: ReturnType<typeof parseAllDocuments>;
  try {
    documents = parseAllDocuments(input, { schema: 'failsafe', uniqueKeys: false });
  } catch (cause) {
    if (cause instanceof RangeError) return unknown(TOO_DEEP);
    throw cause;
  }
  if (!Array.isArray(documents)) return NULL;
  if (documents.length > 1) return error('function yamldecode(): the string contains more than one YAML document');
  const [document] = documents;
  if (document === undefined) return NULL;
  const [problem] = document.errors;
  // The parser reports its own stack overflow as a syntax error; Packer's parser would not fail.
  if (problem?.message.includes('Maximum call stack size exceeded') === true) return unknown(TOO_DEEP);
  if (problem !== undefined) return error(`function yamldecode(): ${problem.message.split('\n')[0] ?? 'invalid YAML'}`);
  const duplicate = firstDuplicateKey(document);
  if (duplicate !== undefined) return error(`function yamldecode(): Map keys must be unique ("${duplicate.key}" is repeated)`);
  let nodes = 0;
  const convert = (node: unknown, depth: number): Value => {
    nodes += 1;
    if (nodes > MAX_NODES || depth > MAX_DEPTH) throw new Failure(unknown(`yamldecode() of a document over ${MAX_NODES} nodes or ${MAX_DEPTH} levels deep is not evaluated`));
    if (isAlias(node)) return convert(node.resolve(document as Document.Parsed), depth + 1);
    if (isScalar(node)) return resolveScalar(node);
    if (isSeq(node)) return list(node.items.map((item) => convert(item, depth + 1)));
    if (isMap(node)) {
      const entries = new Map<string, Value>();
      for (const pair of node.items) {
        if (isScalar(pair.key) && ((pair.key.tag === undefined && pair.key.value === '<<') || pair.key.tag === `${TAG}merge`)) {
          mergeInto(entries, convert(pair.value, depth + 1));
          continue;
        }
        if (!isScalar(pair.key)) throw new Failure(error('function yamldecode(): only strings are allowed as mapping keys'));
        const key = convert(pair.key, depth + 1);
        if (key.kind === 'null') throw new Failure(error('function yamldecode(): mapping key cannot be null'));
        if (key.kind !== 'string' && key.kind !== 'number' && key.kind !== 'bool') throw new Failure(key);
        entries.set(key.kind === 'string' ? key.value : String(key.value), convert(pair.value, depth + 1));
      }
      return object(entries);
    }
    return NULL;
  };
  try {
    return convert(document.contents, 0);
  } catch (caught) {
    if (caught instanceof Failure) return caught.value;
    throw caught;
  }
}
