import { EMPTY_SHARING, type ImageSubject, type SourceLocation } from '../../core/index.js';
import { sharingFromCalls, type GrantCall } from '../subject.js';

export type Api = 'image' | 'snapshot';

/** How a call is named in messages, by the language that makes it. */
export interface CallKind {
  readonly api: Api;
  readonly name: string;
}

export const SHELL_CALLS: Readonly<Record<Api, CallKind>> = {
  image: { api: 'image', name: 'modify-image-attribute call' },
  snapshot: { api: 'snapshot', name: 'modify-snapshot-attribute call' },
};

export const PYTHON_CALLS: Readonly<Record<Api, CallKind>> = {
  image: { api: 'image', name: 'modify_image_attribute call' },
  snapshot: { api: 'snapshot', name: 'modify_snapshot_attribute call' },
};

/**
 * One call as the rules see it: the AMI (or snapshot) it changes is an argument, usually known
 * only at run time; what it grants is what the call sends. A snapshot call is a subject of type
 * `snapshot`, so that no rule compares it with an AMI's launch permission it does not touch.
 */
export function scriptSubject(kind: CallKind, file: string, location: SourceLocation, calls: readonly GrantCall[]): ImageSubject {
  const sharing = sharingFromCalls(calls);
  return {
    origin: 'template',
    name: kind.name,
    type: kind.api === 'image' ? 'ami' : 'snapshot',
    file,
    location,
    launch: kind.api === 'image' ? sharing : EMPTY_SHARING,
    snapshot: kind.api === 'snapshot' ? sharing : EMPTY_SHARING,
  };
}

/** Guards from the outside in, joined; undefined when there is none. */
export function joinGuards(...guards: readonly (string | undefined)[]): string | undefined {
  const present = guards.filter((guard): guard is string => guard !== undefined && guard !== '');
  return present.length === 0 ? undefined : present.join(' and ');
}
