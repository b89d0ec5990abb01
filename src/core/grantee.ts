/**
 * Who may launch an AMI (or create volumes from a snapshot). The formats are AWS's, see
 * AWS-FACTS.md "Who may launch an AMI" and
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchPermission.html
 */
export type Grantee =
  | { readonly kind: 'account'; readonly id: string }
  | { readonly kind: 'organization'; readonly arn: string }
  | { readonly kind: 'ou'; readonly arn: string }
  | { readonly kind: 'public' };

export type GranteeKind = Grantee['kind'];

const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN =
  /^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;

export type GranteeParse =
  | { readonly ok: true; readonly grantee: Grantee }
  | { readonly ok: false; readonly problem: string };

/** The kind of value a sharing field or API parameter holds. */
export type GranteeSyntax = 'account' | 'group' | 'organization' | 'ou';

/**
 * A value from a whole permission list whose entries' keys are not known (a copied
 * `LaunchPermissions`): `all` is public, an ARN an organization or OU, anything else an account.
 */
export function parseAnyGrantee(raw: string): GranteeParse {
  if (raw === 'all') return { ok: true, grantee: { kind: 'public' } };
  if (raw.includes(':ou/')) return parseOu(raw);
  if (raw.startsWith('arn:')) return parseOrganization(raw);
  return parseAccount(raw);
}

/** Parses one raw value as AWS would accept it in the given kind of field. */
export function parseGrantee(syntax: GranteeSyntax, raw: string): GranteeParse {
  switch (syntax) {
    case 'account':
      return parseAccount(raw);
    case 'group':
      return raw === 'all'
        ? { ok: true, grantee: { kind: 'public' } }
        : { ok: false, problem: `"${raw}" is not a launch-permission group: the only group AWS accepts is "all" (public)` };
    case 'organization':
      return parseOrganization(raw);
    case 'ou':
      return parseOu(raw);
  }
}

function parseAccount(raw: string): GranteeParse {
  if (ACCOUNT_ID.test(raw)) return { ok: true, grantee: { kind: 'account', id: raw } };
  if (/^\d{4}-\d{4}-\d{4}$/.test(raw)) {
    return { ok: false, problem: `"${raw}" is not an account id: AWS expects 12 digits without hyphens (${raw.replaceAll('-', '')})` };
  }
  if (raw.trim() !== raw) {
    return { ok: false, problem: `"${raw}" is not an account id: it has surrounding white space` };
  }
  if (raw.startsWith('arn:')) {
    return { ok: false, problem: `"${raw}" is not an account id: an ARN belongs in ami_org_arns or ami_ou_arns` };
  }
  if (/^\d+$/.test(raw)) {
    return { ok: false, problem: `"${raw}" is not an account id: it has ${raw.length} digits, AWS expects 12` };
  }
  return { ok: false, problem: `"${raw}" is not an account id: AWS expects 12 digits` };
}

function parseOrganization(raw: string): GranteeParse {
  if (ORGANIZATION_ARN.test(raw)) return { ok: true, grantee: { kind: 'organization', arn: raw } };
  if (/:account\/o-/.test(raw)) {
    return {
      ok: false,
      problem: `"${raw}" is not an organization ARN: it says ":account/o-" where AWS expects ":organization/o-"`,
    };
  }
  if (OU_ARN.test(raw)) {
    return { ok: false, problem: `"${raw}" is an organizational unit ARN: it belongs in ami_ou_arns` };
  }
  return {
    ok: false,
    problem: `"${raw}" is not an organization ARN: expected arn:aws:organizations::<management account>:organization/o-<id>`,
  };
}

function parseOu(raw: string): GranteeParse {
  if (OU_ARN.test(raw)) return { ok: true, grantee: { kind: 'ou', arn: raw } };
  if (/:account\/o-/.test(raw)) {
    return { ok: false, problem: `"${raw}" is not an OU ARN: it says ":account/o-" where AWS expects ":ou/o-"` };
  }
  if (ORGANIZATION_ARN.test(raw)) {
    return { ok: false, problem: `"${raw}" is an organization ARN: it belongs in ami_org_arns` };
  }
  return {
    ok: false,
    problem: `"${raw}" is not an OU ARN: expected arn:aws:organizations::<management account>:ou/o-<id>/ou-<id>`,
  };
}

/** A short human name: `account 111122223333`, `organization arn:...`, `everyone (public)`. */
export function describeGrantee(grantee: Grantee): string {
  switch (grantee.kind) {
    case 'account':
      return `account ${grantee.id}`;
    case 'organization':
      return `organization ${grantee.arn}`;
    case 'ou':
      return `organizational unit ${grantee.arn}`;
    case 'public':
      return 'everyone (public)';
  }
}

/** A stable key for sets and fingerprints. */
export function granteeKey(grantee: Grantee): string {
  switch (grantee.kind) {
    case 'account':
      return `account:${grantee.id}`;
    case 'organization':
      return `organization:${grantee.arn}`;
    case 'ou':
      return `ou:${grantee.arn}`;
    case 'public':
      return 'public';
  }
}

/** The grantees of `a` that are also in `b` (by identity, not object). */
export function intersection(a: readonly Grantee[], b: readonly Grantee[]): Grantee[] {
  const keys = new Set(b.map(granteeKey));
  return a.filter((grantee) => keys.has(granteeKey(grantee)));
}

/** The grantees of `a` that are not in `b`. */
export function difference(a: readonly Grantee[], b: readonly Grantee[]): Grantee[] {
  const keys = new Set(b.map(granteeKey));
  return a.filter((grantee) => !keys.has(granteeKey(grantee)));
}

/** The organization id (`o-...`) an organization or OU ARN belongs to. */
export function organizationIdOf(arn: string): string | undefined {
  return /:(?:organization|ou)\/(o-[a-z0-9]+)/.exec(arn)?.[1];
}
