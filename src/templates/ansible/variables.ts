import type { SourceLocation } from '../../core/index.js';
import { evaluateNode, type Scope } from './jinja.js';
import { unknown, type Value } from './values.js';
import type { YMap, YNode } from './yaml-tree.js';

/** A variable's definition: YAML templated when used (Ansible is lazy), a fixed value, or a run-time value. */
export type Binding =
  | { readonly kind: 'node'; readonly node: YNode }
  | { readonly kind: 'value'; readonly value: Value }
  | { readonly kind: 'runtime'; readonly reason: string };

export type Layer = ReadonlyMap<string, Binding>;

/** Set by tasks as they run (`set_fact`, `register`, `include_vars`): shared by the rest of the play. */
export type Facts = Map<string, Binding>;

const MAX_REFERENCE_DEPTH = 32;

/** Names Ansible fills in at run time. */
const MAGIC = /^(ansible_\w+|hostvars|groups|group_names|inventory_hostname\w*|inventory_dir|inventory_file|play_hosts|playbook_dir|role_path|role_name|omit|environment|lookup)$/;

/**
 * Variables in Ansible's precedence, lowest first: role defaults, play `vars`, `vars_files`, role
 * vars, block and task vars, include parameters; then facts and registered results set while
 * the play runs; and the extra vars (`--var`, `--var-file`) above everything.
 */
export class Variables implements Scope {
  private readonly resolving = new Set<string>();

  constructor(
    private readonly layers: readonly Layer[],
    private readonly facts: Facts,
    private readonly extra: Layer,
    private readonly missing: string,
    /** Consulted last: group_vars and host_vars (role defaults that they also set are marked unknown where read). */
    private readonly inventory: Layer = new Map(),
  ) {}

  /** A scope with `layer` above the layers so far (below facts and extra vars). */
  with(layer: Layer | undefined): Variables {
    if (layer === undefined || layer.size === 0) return this;
    return new Variables([...this.layers, layer], this.facts, this.extra, this.missing, this.inventory);
  }

  /** A scope with `layer` below every layer so far: a role's defaults, the lowest precedence of all. */
  under(layer: Layer | undefined): Variables {
    if (layer === undefined || layer.size === 0) return this;
    return new Variables([layer, ...this.layers], this.facts, this.extra, this.missing, this.inventory);
  }

  /** A scope that says where a missing variable could have come from, for its reason. */
  withMissing(missing: string): Variables {
    return new Variables(this.layers, this.facts, this.extra, missing, this.inventory);
  }

  setFact(name: string, binding: Binding): void {
    this.facts.set(name, binding);
  }

  hasFact(name: string): boolean {
    return this.facts.has(name);
  }

  binding(name: string): Binding | undefined {
    const extra = this.extra.get(name);
    if (extra !== undefined) return extra;
    const fact = this.facts.get(name);
    if (fact !== undefined) return fact;
    for (let index = this.layers.length - 1; index >= 0; index -= 1) {
      const found = this.layers[index]?.get(name);
      if (found !== undefined) return found;
    }
    return this.inventory.get(name);
  }

  lookup(name: string, at: SourceLocation): Value {
    const binding = this.binding(name);
    if (binding === undefined) {
      if (MAGIC.test(name)) return unknown(`"${name}" is set by Ansible at run time`, at);
      return unknown(`variable "${name}" is not defined in ${this.missing}`, at, { undefinedName: name });
    }
    switch (binding.kind) {
      case 'value':
        return binding.value;
      case 'runtime':
        return unknown(binding.reason, at);
      case 'node': {
        if (this.resolving.has(name) || this.resolving.size >= MAX_REFERENCE_DEPTH) {
          return unknown(`variable "${name}" refers to itself`, at);
        }
        this.resolving.add(name);
        try {
          return evaluateNode(binding.node, this);
        } finally {
          this.resolving.delete(name);
        }
      }
    }
  }
}

/** A `vars:` mapping (or a vars file) as a layer of lazily templated definitions. */
export function layerOf(node: YNode | undefined): Map<string, Binding> {
  const layer = new Map<string, Binding>();
  if (node?.kind !== 'map') return layer;
  for (const pair of (node satisfies YMap).pairs) layer.set(pair.key, { kind: 'node', node: pair.value });
  return layer;
}
