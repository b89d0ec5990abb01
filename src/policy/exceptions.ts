import type { ImageSubject, PublicException, ResolvedPolicy } from '../core/index.js';

export type ExceptionMatch =
  | { readonly status: 'none' }
  | { readonly status: 'active'; readonly exception: PublicException }
  | { readonly status: 'expired'; readonly exception: PublicException };

/**
 * Whether a public-exception covers the subject's AMI, or with `snapshots`, its snapshots. An exception is valid through its `expires`
 * day (UTC) and expired from the next; an active match wins over an expired one.
 */
export function matchPublicException(
  subject: ImageSubject,
  policy: ResolvedPolicy,
  now: Date,
  target: 'ami' | 'snapshots' = 'ami',
): ExceptionMatch {
  let expired: PublicException | undefined;
  for (const exception of policy.publicExceptions) {
    if (!covers(exception, subject) || (target === 'snapshots' && !exception.snapshots)) continue;
    if (exception.expires !== undefined && isPast(exception.expires, now)) {
      expired ??= exception;
      continue;
    }
    return { status: 'active', exception };
  }
  return expired === undefined ? { status: 'none' } : { status: 'expired', exception: expired };
}

function covers(exception: PublicException, subject: ImageSubject): boolean {
  if (exception.amiName !== undefined) {
    if (subject.amiName === undefined || !globToRegExp(exception.amiName, false).test(subject.amiName)) return false;
  }
  if (exception.file !== undefined) {
    if (subject.file === undefined || !globToRegExp(exception.file, true).test(subject.file)) return false;
  }
  return true;
}

function isPast(expires: string, now: Date): boolean {
  return now.getTime() >= new Date(`${expires}T00:00:00Z`).getTime() + 24 * 60 * 60 * 1000;
}

/**
 * `*` any run of characters (not `/` in paths), `**` any run including `/`, `?` one character.
 * AMI names may contain `/`, so there `*` crosses it.
 */
export function globToRegExp(glob: string, isPath: boolean): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob.charAt(i);
    if (char === '*') {
      if (glob.charAt(i + 1) === '*') {
        i++;
        if (glob.charAt(i + 1) === '/') {
          i++;
          source += '(?:.*/)?';
        } else {
          source += '.*';
        }
      } else {
        source += isPath ? '[^/]*' : '.*';
      }
    } else if (char === '?') {
      source += isPath ? '[^/]' : '.';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}
