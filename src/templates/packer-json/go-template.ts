/**
 * The part of Go's text/template syntax that Packer's legacy JSON templates use: text with
 * `{{ ... }}` actions, where `{{user \`x\`}}` and `{{env \`X\`}}` are the ones amiguard can
 * evaluate. See https://developer.hashicorp.com/packer/docs/templates/legacy_json_templates/engine
 */

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'user'; readonly name: string }
  | { readonly kind: 'env'; readonly name: string }
  /** Any other action: a function (`timestamp`), build data (`.BuildRegion`), a pipeline. */
  | { readonly kind: 'other'; readonly name: string; readonly source: string };

export type ParsedTemplate =
  | { readonly ok: true; readonly parts: readonly TemplatePart[] }
  | { readonly ok: false; readonly problem: string };

const TRIM_SPACE = /^[ \t\r\n]+/;
const TRAILING_SPACE = /[ \t\r\n]+$/;
const ARGUMENT = String.raw`(?:\x60([^\x60]*)\x60|"((?:[^"\\]|\\.)*)")`;
const USER_CALL = new RegExp(String.raw`^user\s*${ARGUMENT}$`, 's');
const ENV_CALL = new RegExp(String.raw`^env\s*${ARGUMENT}$`, 's');

export function parseGoTemplate(text: string): ParsedTemplate {
  if (!text.includes('{{')) return { ok: true, parts: [{ kind: 'text', text }] };
  const parts: TemplatePart[] = [];
  let position = 0;
  let trimNextText = false;
  while (position <= text.length) {
    const open = text.indexOf('{{', position);
    let before = text.slice(position, open < 0 ? text.length : open);
    if (trimNextText) before = before.replace(TRIM_SPACE, '');
    if (open < 0) {
      if (before !== '') parts.push({ kind: 'text', text: before });
      break;
    }
    // `{{- ` and ` -}}` trim the white space next to the action (Go requires the space).
    let start = open + 2;
    if (text[start] === '-' && isSpace(text[start + 1])) {
      before = before.replace(TRAILING_SPACE, '');
      start += 2;
    }
    if (before !== '') parts.push({ kind: 'text', text: before });
    const close = findActionEnd(text, start);
    if (close < 0) return { ok: false, problem: `unclosed action "${text.slice(open, open + 40)}"` };
    let inner = text.slice(start, close);
    trimNextText = inner.length >= 2 && inner.endsWith('-') && isSpace(inner[inner.length - 2]);
    if (trimNextText) inner = inner.slice(0, -2);
    const part = classifyAction(inner.trim(), text.slice(open, close + 2));
    if (part !== undefined) parts.push(part);
    position = close + 2;
  }
  return { ok: true, parts };
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\n';
}

/** The index of the `}}` closing an action, skipping quoted arguments that may contain `}}`. */
function findActionEnd(text: string, from: number): number {
  let index = from;
  while (index < text.length) {
    const char = text[index];
    if (char === '}' && text[index + 1] === '}') return index;
    if (char === '`') {
      const end = text.indexOf('`', index + 1);
      if (end < 0) return -1;
      index = end + 1;
    } else if (char === '"' || char === "'") {
      index = skipQuoted(text, index, char);
      if (index < 0) return -1;
    } else {
      index += 1;
    }
  }
  return -1;
}

function skipQuoted(text: string, open: number, quote: string): number {
  let index = open + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '\\') index += 2;
    else if (char === quote) return index + 1;
    else if (char === '\n') return -1;
    else index += 1;
  }
  return -1;
}

function classifyAction(inner: string, source: string): TemplatePart | undefined {
  if (inner.startsWith('/*')) return undefined;
  const user = USER_CALL.exec(inner);
  if (user !== null) {
    const name = argumentValue(user);
    if (name !== undefined) return { kind: 'user', name };
  }
  const env = ENV_CALL.exec(inner);
  if (env !== null) {
    const name = argumentValue(env);
    if (name !== undefined) return { kind: 'env', name };
  }
  return { kind: 'other', name: actionName(inner), source };
}

function argumentValue(match: RegExpExecArray): string | undefined {
  const [, raw, quoted] = match;
  if (raw !== undefined) return raw;
  if (quoted === undefined) return undefined;
  try {
    // Go's interpreted string escapes are a superset of JSON's; the common ones agree.
    const value: unknown = JSON.parse(`"${quoted}"`);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The function (or build data field) that decides an action's value, for messages: the first
 * one other than `user` and `env`, so that `{{user \`x\` | lower}}` names `lower`.
 */
function actionName(inner: string): string {
  const withoutStrings = inner.replace(/`[^`]*`|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ');
  const names = withoutStrings.match(/\.?[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  return names.find((name) => name !== 'user' && name !== 'env') ?? names[0] ?? inner;
}
