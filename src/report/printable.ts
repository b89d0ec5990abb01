/**
 * Messages and file names carry values from templates and AWS: shown raw, a control character
 * or bidirectional override in them would be obeyed by a terminal (or reorder text on a page),
 * so it is shown escaped. The C0 and C1 controls are written as ranges, which are exactly
 * Unicode's Cc category: a `\p{Cc}` class makes V8 build its set through ICU, ~1 ms of start-up.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

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
