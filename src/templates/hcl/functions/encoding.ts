/**
 * Encoding, hashing and JSON/YAML/CSV functions (go-cty stdlib `json.go`, `csv.go`,
 * go-cty-funcs `encoding` and `crypto`, go-cty-yaml). Decoders turn text into values, so that
 * `jsondecode(file("accounts.json"))` is as known as the file is.
 */
import { createHash } from '../../../core/hash.js';
import { describeKind, error, firstUnknown, formatNumber, list, NULL, num, object, sortedEntries, str, unknown, type Value } from '../value.js';
import { argumentError, needString, strict, type FunctionSpec } from './spec.js';
import { yamlDecode } from './yaml.js';

/** Nesting beyond this in decoded JSON or YAML is not turned into values. */
const MAX_DECODE_DEPTH = 100;

function fromPlain(data: unknown, depth = 0): Value {
  if (depth > MAX_DECODE_DEPTH) return unknown(`a decoded document nested more than ${MAX_DECODE_DEPTH} levels deep is not evaluated`);
  if (data === null || data === undefined) return NULL;
  if (typeof data === 'string') return str(data);
  if (typeof data === 'number') return num(data);
  if (typeof data === 'boolean') return { kind: 'bool', value: data };
  if (Array.isArray(data)) return list(data.map((item: unknown) => fromPlain(item, depth + 1)));
  if (data instanceof Map) {
    const entries = new Map<string, Value>();
    for (const [key, value] of data as Map<unknown, unknown>) entries.set(String(key), fromPlain(value, depth + 1));
    return object(entries);
  }
  if (typeof data === 'object') {
    const entries = new Map<string, Value>();
    for (const [key, value] of Object.entries(data)) entries.set(key, fromPlain(value, depth + 1));
    return object(entries);
  }
  return unknown(`a decoded ${typeof data} is not evaluated`);
}

/** Go's encoding/json escapes <, > and & and sorts object keys. */
export function jsonEncode(value: Value): string | Value {
  switch (value.kind) {
    case 'string':
      return JSON.stringify(value.value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
    case 'number':
      return formatNumber(value.value);
    case 'bool':
      return String(value.value);
    case 'null':
      return 'null';
    case 'list': {
      const items: string[] = [];
      for (const item of value.items) {
        const encoded = jsonEncode(item);
        if (typeof encoded !== 'string') return encoded;
        items.push(encoded);
      }
      return `[${items.join(',')}]`;
    }
    case 'object': {
      const entries: string[] = [];
      for (const [key, entry] of sortedEntries(value)) {
        const encoded = jsonEncode(entry);
        if (typeof encoded !== 'string') return encoded;
        const name = jsonEncode(str(key));
        entries.push(`${typeof name === 'string' ? name : JSON.stringify(key)}:${encoded}`);
      }
      return `{${entries.join(',')}}`;
    }
    default:
      return value;
  }
}

function jsonDecode(input: string): Value {
  try {
    return fromPlain(JSON.parse(input));
  } catch (cause) {
    return argumentError('jsondecode', 1, cause instanceof Error ? cause.message : 'invalid JSON');
  }
}

/** RFC 4180 as Go's encoding/csv reads it: the first row names the columns. */
function csvDecode(input: string): Value {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let index = 0;
  let line = 1;
  const text = input.replace(/\r\n/g, '\n');
  while (index < text.length) {
    const c = text[index] ?? '';
    if (quoted) {
      if (c === '"' && text[index + 1] === '"') {
        field += '"';
        index += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      if (c === '\n') line += 1;
      index += 1;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === '"') return argumentError('csvdecode', 1, `parse error on line ${line}: bare " in non-quoted-field`);
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      line += 1;
    } else field += c;
    index += 1;
  }
  if (quoted) return argumentError('csvdecode', 1, `parse error on line ${line}: extraneous or missing " in quoted-field`);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const records = rows.filter((record) => !(record.length === 1 && record[0] === ''));
  const [header, ...data] = records;
  if (header === undefined) return argumentError('csvdecode', 1, 'missing header line');
  const result: Value[] = [];
  for (const [position, record] of data.entries()) {
    if (record.length !== header.length) return argumentError('csvdecode', 1, `record on line ${position + 2}: wrong number of fields`);
    result.push(object(new Map(header.map((name, column) => [name, str(record[column] ?? '')]))));
  }
  return list(result);
}

function base64Decode(input: string): Value {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(input.replace(/[\r\n]/g, ''))) {
    return error(`function base64decode(): failed to decode base64 data '${input}'`);
  }
  try {
    const decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(input, 'base64'));
    return str(decoded);
  } catch {
    return error('function base64decode(): the result of decoding the the provided string is not valid UTF-8');
  }
}

/** Go's url.QueryEscape: space is `+`, only letters, digits and `-_.~` stay. */
function queryEscape(input: string): string {
  let output = '';
  for (const byte of Buffer.from(input, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) output += c;
    else if (c === ' ') output += '+';
    else output += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return output;
}

const UUID_NAMESPACES: Readonly<Record<string, string>> = {
  dns: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  url: '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
  oid: '6ba7b812-9dad-11d1-80b4-00c04fd430c8',
  x500: '6ba7b814-9dad-11d1-80b4-00c04fd430c8',
};

/** RFC 4122 version 5: a SHA-1 of the namespace and the name; deterministic, unlike uuidv4. */
function uuidV5(namespace: string, name: string): Value {
  const id = UUID_NAMESPACES[namespace] ?? namespace;
  const hex = id.replace(/^urn:uuid:/i, '').replace(/^\{(.*)\}$/, '$1').replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return error(`function uuidv5(): uuidv5() doesn't support namespace ${namespace} (invalid UUID format)`);
  const hash = createHash('sha1').update(Buffer.from(hex, 'hex')).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const out = bytes.toString('hex');
  return str(`${out.slice(0, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}-${out.slice(20)}`);
}

function stringToString(name: string, run: (input: string) => Value): FunctionSpec {
  return strict(1, 1, ([input]) => {
    const value = needString(name, input, 1);
    return typeof value === 'string' ? run(value) : value;
  });
}

function hash(name: string, algorithm: string): FunctionSpec {
  return stringToString(name, (input) => str(createHash(algorithm).update(input, 'utf8').digest('hex')));
}

export const ENCODING_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['base64encode', stringToString('base64encode', (input) => str(Buffer.from(input, 'utf8').toString('base64')))],
  ['base64decode', stringToString('base64decode', base64Decode)],
  ['urlencode', stringToString('urlencode', (input) => str(queryEscape(input)))],
  ['jsondecode', stringToString('jsondecode', jsonDecode)],
  ['yamldecode', stringToString('yamldecode', yamlDecode)],
  ['csvdecode', stringToString('csvdecode', csvDecode)],
  ['md5', hash('md5', 'md5')],
  ['sha1', hash('sha1', 'sha1')],
  ['sha256', hash('sha256', 'sha256')],
  ['sha512', hash('sha512', 'sha512')],
  ['uuidv5', strict(2, 2, ([namespace, name]) => {
    const space = needString('uuidv5', namespace, 1);
    if (typeof space !== 'string') return space;
    const value = needString('uuidv5', name, 2);
    return typeof value === 'string' ? uuidV5(space, value) : value;
  })],
  ['jsonencode', { minArgs: 1, maxArgs: 1, mode: 'lenient', run: ([input]) => {
    if (input === undefined) return error('function jsonencode() needs an argument');
    const pending = firstUnknown(input);
    if (pending !== undefined) return pending;
    const encoded = jsonEncode(input);
    return typeof encoded === 'string' ? str(encoded) : error(`function jsonencode() cannot encode ${describeKind(encoded)}`);
  } }],
]);
