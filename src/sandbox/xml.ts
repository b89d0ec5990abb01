/** Minimal XML writing for the Query protocol responses; every text value is escaped. */

export function escapeXml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** `<name>value</name>`, or nothing when the value is absent. */
export function element(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>children</name>` around already-written XML. */
export function wrap(name: string, children: string): string {
  return `<${name}>${children}</${name}>`;
}

/** An EC2 list: `<name><item>..</item>...</name>`; an empty list is written as `<name/>`. */
export function itemList<T>(name: string, items: readonly T[], write: (item: T) => string): string {
  if (items.length === 0) return `<${name}/>`;
  return `<${name}>${items.map((item) => `<item>${write(item)}</item>`).join('')}</${name}>`;
}
