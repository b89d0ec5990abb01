/**
 * Messages and file names carry values from templates and AWS: shown raw, a control character
 * or bidirectional override in them would be obeyed by a terminal (or reorder text on a page),
 * so it is shown escaped.
 */
const UNPRINTABLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => {
    const code = character.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The same characters as JSON escapes (`\u001b`), valid inside a JSON string. */
export function jsonPrintable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
