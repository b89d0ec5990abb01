import { formatLocation, type SourceLocation } from '../../core/index.js';
import type { TemplateProblem } from '../model.js';
import { attribute, type Attribute, type Block, type Body, type Expr } from '../hcl/syntax.js';
import type { VariableDeclaration } from '../hcl/variables.js';

/** A `resource "type" "name"` block. */
export interface ResourceDeclaration {
  readonly type: string;
  readonly name: string;
  readonly body: Body;
  readonly loc: SourceLocation;
  readonly file: string;
}

/** A `module "name"` call: its `source`, `count` / `for_each` and its arguments. */
export interface ModuleCall {
  readonly name: string;
  readonly body: Body;
  readonly loc: SourceLocation;
  readonly file: string;
}

/** A `provider "name"` block: the configuration resources select by `name` or `name.alias`. */
export interface ProviderDeclaration {
  /** `aws`, or `aws.west` for `alias = "west"`. */
  readonly address: string;
  readonly loc: SourceLocation;
}

/** One module's declarations: all `.tf` and `.tf.json` files of a folder, as Terraform joins them. */
export interface ModuleConfiguration {
  /** The folder, as shown. */
  readonly folder: string;
  readonly variables: ReadonlyMap<string, VariableDeclaration>;
  readonly locals: ReadonlyMap<string, Attribute>;
  readonly outputs: ReadonlyMap<string, Expr>;
  readonly modules: ReadonlyMap<string, ModuleCall>;
  readonly providers: readonly ProviderDeclaration[];
  /** By `type.name`, in file order. */
  readonly resources: ReadonlyMap<string, ResourceDeclaration>;
  readonly resourceTypes: ReadonlySet<string>;
}

/** Joins the parsed files of one folder; a name declared twice is an error Terraform stops on. */
export function assembleModule(folder: string, files: readonly { file: string; body: Body }[], problems: TemplateProblem[]): ModuleConfiguration {
  const variables = new Map<string, VariableDeclaration>();
  const locals = new Map<string, Attribute>();
  const localLocations = new Map<string, SourceLocation>();
  const outputs = new Map<string, Expr>();
  const modules = new Map<string, ModuleCall>();
  const providers: ProviderDeclaration[] = [];
  const resources = new Map<string, ResourceDeclaration>();
  const resourceTypes = new Set<string>();
  const twice = (what: string, first: SourceLocation, loc: SourceLocation): void => {
    problems.push({ message: `${what} is declared twice (first at ${formatLocation(first)}); Terraform rejects the configuration`, location: loc });
  };

  for (const { file, body } of files) {
    for (const block of body.blocks) {
      const [first] = block.labels;
      switch (block.type) {
        case 'variable': {
          if (first === undefined) break;
          const known = variables.get(first);
          if (known !== undefined) {
            twice(`variable "${first}"`, known.loc, block.loc);
            break;
          }
          variables.set(first, {
            name: first,
            type: attribute(block.body, 'type')?.expr,
            default: attribute(block.body, 'default'),
            shorthand: false,
            loc: block.loc,
          });
          break;
        }
        case 'locals':
          for (const entry of block.body.attributes) {
            const known = localLocations.get(entry.name);
            if (known !== undefined) {
              twice(`local.${entry.name}`, known, entry.loc);
              continue;
            }
            locals.set(entry.name, entry);
            localLocations.set(entry.name, entry.loc);
          }
          break;
        case 'output': {
          const value = attribute(block.body, 'value');
          if (first !== undefined && value !== undefined) outputs.set(first, value.expr);
          break;
        }
        case 'module': {
          if (first === undefined) break;
          const known = modules.get(first);
          if (known !== undefined) {
            twice(`module "${first}"`, known.loc, block.loc);
            break;
          }
          modules.set(first, { name: first, body: block.body, loc: block.loc, file });
          break;
        }
        case 'provider':
          if (first !== undefined) providers.push({ address: providerAddress(first, block), loc: block.loc });
          break;
        case 'resource':
          declareResource(block, file, resources, resourceTypes, twice);
          break;
      }
    }
  }
  return { folder, variables, locals, outputs, modules, providers, resources, resourceTypes };
}

/** `aws` or `aws.west`; an alias that is not a literal (Terraform rejects it) still makes a configuration of its own. */
function providerAddress(name: string, block: Block): string {
  const alias = attribute(block.body, 'alias');
  if (alias === undefined) return name;
  const expr = alias.expr;
  const value = expr.type === 'literal' && typeof expr.value === 'string' ? expr.value : `(alias at ${formatLocation(alias.loc)})`;
  return `${name}.${value}`;
}

function declareResource(
  block: Block,
  file: string,
  resources: Map<string, ResourceDeclaration>,
  types: Set<string>,
  twice: (what: string, first: SourceLocation, loc: SourceLocation) => void,
): void {
  const [type, name] = block.labels;
  if (type === undefined || name === undefined) return;
  const key = `${type}.${name}`;
  const known = resources.get(key);
  if (known !== undefined) {
    twice(`resource "${type}" "${name}"`, known.loc, block.loc);
    return;
  }
  resources.set(key, { type, name, body: block.body, loc: block.loc, file });
  types.add(type);
}
