/** Where something is: a range in a source file, or a resource in AWS. */

/** A range in a file. Lines and columns are 1-based; the end is exclusive. */
export interface SourceLocation {
  readonly kind: 'source';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface AwsLocation {
  readonly kind: 'aws';
  readonly account: string;
  readonly region: string;
  readonly resourceId: string;
}

export type Location = SourceLocation | AwsLocation;

export function sourceLocation(
  file: string,
  line: number,
  column: number,
  endLine = line,
  endColumn = column,
): SourceLocation {
  return { kind: 'source', file, line, column, endLine, endColumn };
}

/** `file:line:column` or `account/region/resource`, for messages. */
export function formatLocation(location: Location): string {
  return location.kind === 'source'
    ? `${location.file}:${location.line}:${location.column}`
    : `${location.account}/${location.region}/${location.resourceId}`;
}
