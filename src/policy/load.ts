import { dirname, resolve } from 'node:path';
import type { Document, LineCounter, Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import {
  ConfigurationError,
  MAX_INPUT_BYTES,
  parseGrantee,
  tryReadInputFile,
  type ApprovedEntry,
  type PathPattern,
  type PublicException,
  type ResolvedPolicy,
  type SeveritySetting,
} from '../core/index.js';
import { firstDuplicateKey, MAX_YAML_DEPTH, yaml, yamlTooDeep } from '../core/yaml.js';

const isMap = (node: unknown): node is YAMLMap => yaml().isMap(node);
const isScalar = (node: unknown): node is Scalar => yaml().isScalar(node);
const isSeq = (node: unknown): node is YAMLSeq => yaml().isSeq(node);

const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['error', 'warning', 'note', 'off'];
const TOP_LEVEL_KEYS = ['version', 'allow', 'public-exceptions', 'rules', 'exclude'];
const ALLOW_KEYS = ['accounts', 'organizations', 'ous'];
const EXCEPTION_KEYS = ['ami-name', 'file', 'reason', 'expires', 'snapshots'];

/** The policy that applies when there is no file: nothing approved, nothing may be public. */
export const DEFAULT_POLICY: ResolvedPolicy = {
  source: 'built-in default',
  accounts: new Map(),
  organizations: new Map(),
  ous: new Map(),
  publicExceptions: [],
  severities: {},
  hasAllowList: false,
  exclude: [],
};

export function loadPolicy(path: string, knownRules: readonly string[], displayPath = path): ResolvedPolicy {
  const read = tryReadInputFile(path, MAX_INPUT_BYTES.policy);
  if (!read.ok) {
    throw new ConfigurationError(`cannot read policy file ${displayPath}: ${read.reason}`, {
      hint: 'name a regular file, or none to use the built-in default policy',
      detail: { kind: 'policy-unreadable' },
    });
  }
  const text = read.bytes.toString('utf8');
  return parsePolicy(text, displayPath, knownRules, dirname(resolve(path)));
}

/**
 * Validates a policy document (YAML or JSON); every error names the file, line, field and what was
 * expected. `exclude:` globs are relative to `folder`, the policy file's.
 */
export function parsePolicy(text: string, file: string, knownRules: readonly string[], folder = process.cwd()): ResolvedPolicy {
  const deep = yamlTooDeep(text);
  if (deep !== undefined) {
    throw new ConfigurationError(`${file}:${deep.line}:${deep.column}: nested more than ${MAX_YAML_DEPTH} levels deep: not a policy`);
  }
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const reader = new PolicyReader(file, lineCounter, doc);
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    throw new ConfigurationError(`${reader.at(firstError.pos[0])}: not valid YAML or JSON: ${firstError.message.split('\n')[0] ?? ''}`);
  }
  const duplicate = firstDuplicateKey(doc);
  if (duplicate !== undefined) {
    throw new ConfigurationError(`${reader.at(duplicate.offset)}: not valid YAML or JSON: map keys must be unique ("${duplicate.key}" is repeated)`);
  }
  return reader.read(knownRules, folder);
}

class PolicyReader {
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
    private readonly doc: Document,
  ) {}

  at(offset: number | undefined): string {
    if (offset === undefined) return this.file;
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }

  fail(node: Node | null | undefined, field: string, message: string, hint?: string): never {
    throw new ConfigurationError(
      `${this.at(node?.range?.[0])}: ${field}: ${message}`,
      hint === undefined ? {} : { hint },
    );
  }

  read(knownRules: readonly string[], folder: string): ResolvedPolicy {
    const root = this.doc.contents;
    if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
      return { ...DEFAULT_POLICY, source: this.file };
    }
    if (!isMap(root)) this.fail(root, '(top level)', 'expected a mapping with allow, public-exceptions and rules');
    this.checkKeys(root, '', TOP_LEVEL_KEYS);

    const version = root.get('version', true);
    if (version !== undefined && !(isScalar(version) && version.value === 1)) {
      this.fail(version, 'version', 'expected 1, the only policy format version so far');
    }

    const accounts = new Map<string, ApprovedEntry>();
    const organizations = new Map<string, ApprovedEntry>();
    const ous = new Map<string, ApprovedEntry>();
    const allow = root.get('allow', true);
    let hasAllowList = false;
    if (allow !== undefined && !(isScalar(allow) && allow.value === null)) {
      if (!isMap(allow)) this.fail(allow, 'allow', 'expected a mapping with accounts, organizations and ous');
      this.checkKeys(allow, 'allow.', ALLOW_KEYS);
      hasAllowList = true;
      this.readApproved(allow.get('accounts', true), 'allow.accounts', 'account', accounts);
      this.readApproved(allow.get('organizations', true), 'allow.organizations', 'organization', organizations);
      this.readApproved(allow.get('ous', true), 'allow.ous', 'ou', ous);
    }

    return {
      source: this.file,
      accounts,
      organizations,
      ous,
      publicExceptions: this.readExceptions(root.get('public-exceptions', true)),
      severities: this.readSeverities(root.get('rules', true), knownRules),
      hasAllowList,
      exclude: this.readExclude(root.get('exclude', true), folder),
    };
  }

  private readExclude(node: Node | undefined, folder: string): PathPattern[] {
    if (node === undefined || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) this.fail(node, 'exclude', 'expected a list of path globs, relative to the policy file');
    return node.items.map((item, index) => {
      if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim() === '') {
        this.fail(item as Node, `exclude[${index}]`, 'expected a path glob such as "legacy/**"');
      }
      return { glob: item.value, base: folder };
    });
  }

  private checkKeys(map: Node, prefix: string, allowed: readonly string[]): void {
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!allowed.includes(key)) {
        this.fail(pair.key as Node, `${prefix}${key}`, `unknown field; expected one of: ${allowed.join(', ')}`);
      }
    }
  }

  private readApproved(
    node: Node | undefined,
    field: string,
    syntax: 'account' | 'organization' | 'ou',
    into: Map<string, ApprovedEntry>,
  ): void {
    if (node === undefined || (isScalar(node) && node.value === null)) return;
    if (!isSeq(node)) this.fail(node, field, `expected a list of ${syntax === 'account' ? 'account ids' : 'ARNs'}`);
    node.items.forEach((item, index) => {
      const path = `${field}[${index}]`;
      let idNode: Node | undefined;
      let name: string | undefined;
      if (isMap(item)) {
        const key = syntax === 'account' ? 'id' : 'arn';
        this.checkKeys(item, `${path}.`, [key, 'name']);
        idNode = item.get(key, true);
        const nameNode = item.get('name', true);
        if (nameNode !== undefined) {
          if (!isScalar(nameNode) || typeof nameNode.value !== 'string') this.fail(nameNode, `${path}.name`, 'expected a string');
          name = nameNode.value;
        }
        if (idNode === undefined) this.fail(item, path, `missing "${key}"`);
      } else {
        idNode = item as Node;
      }
      if (!isScalar(idNode) || (typeof idNode.value !== 'string' && typeof idNode.value !== 'number')) {
        this.fail(idNode, path, syntax === 'account' ? 'expected a 12-digit account id' : 'expected an ARN string');
      }
      if (syntax === 'account' && typeof idNode.value === 'number') {
        this.fail(idNode, path, 'write account ids as quoted strings: as a number, leading zeros are lost', `"${String(idNode.value).padStart(12, '0')}"`);
      }
      const raw = String(idNode.value);
      const parsed = parseGrantee(syntax, raw);
      if (!parsed.ok) this.fail(idNode, path, parsed.problem);
      into.set(raw, name === undefined ? { id: raw } : { id: raw, name });
    });
  }

  private readExceptions(node: Node | undefined): PublicException[] {
    if (node === undefined || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) this.fail(node, 'public-exceptions', 'expected a list of exceptions');
    return node.items.map((item, index) => {
      const path = `public-exceptions[${index}]`;
      if (!isMap(item)) this.fail(item as Node, path, 'expected a mapping with ami-name or file, reason and expires');
      this.checkKeys(item, `${path}.`, EXCEPTION_KEYS);
      const text = (key: string): string | undefined => {
        const value = item.get(key, true);
        if (value === undefined) return undefined;
        if (!isScalar(value) || typeof value.value !== 'string' || value.value.trim() === '') {
          this.fail(value, `${path}.${key}`, 'expected a non-empty string');
        }
        return value.value;
      };
      const amiName = text('ami-name');
      const file = text('file');
      const reason = text('reason');
      const expires = text('expires');
      if (amiName === undefined && file === undefined) {
        this.fail(item, path, 'an exception needs "ami-name" or "file" to say which AMIs may be public');
      }
      if (reason === undefined) this.fail(item, `${path}.reason`, 'missing: say why this AMI may be public');
      const snapshotsNode = item.get('snapshots', true);
      if (snapshotsNode !== undefined && !(isScalar(snapshotsNode) && typeof snapshotsNode.value === 'boolean')) {
        this.fail(snapshotsNode, `${path}.snapshots`, 'expected true or false');
      }
      if (expires !== undefined && !isIsoDate(expires)) {
        this.fail(item.get('expires', true), `${path}.expires`, `"${expires}" is not a date: expected YYYY-MM-DD`);
      }
      return {
        reason,
        snapshots: isScalar(snapshotsNode) && snapshotsNode.value === true,
        ...(amiName === undefined ? {} : { amiName }),
        ...(file === undefined ? {} : { file }),
        ...(expires === undefined ? {} : { expires }),
      };
    });
  }

  private readSeverities(node: Node | undefined, knownRules: readonly string[]): Record<string, SeveritySetting> {
    const severities: Record<string, SeveritySetting> = {};
    if (node === undefined || (isScalar(node) && node.value === null)) return severities;
    if (!isMap(node)) this.fail(node, 'rules', 'expected a mapping of rule id to error, warning, note or off');
    for (const pair of node.items) {
      const id = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!knownRules.includes(id)) {
        this.fail(pair.key as Node, `rules.${id}`, `unknown rule; the rules are: ${knownRules.join(', ')}`);
      }
      const value = pair.value as Node | null;
      const setting = isScalar(value) ? value.value : undefined;
      if (typeof setting !== 'string' || !(SEVERITY_SETTINGS as readonly string[]).includes(setting)) {
        this.fail(value, `rules.${id}`, `expected one of ${SEVERITY_SETTINGS.join(', ')}`);
      }
      severities[id] = setting as SeveritySetting;
    }
    return severities;
  }
}

function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}
