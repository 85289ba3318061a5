import { Identifiers } from "../ticket/fields";

/**
 * Short key templates: the composites joined by `#`, nothing else (ElectroDB's default
 * `$service#entity_version#attr_value` spelling made a ticket's pk alone 132 bytes). A literal
 * `prefix` keeps different items of one partition apart; `casing: none` stores values as given.
 */
export function key<const Composite extends string>(field: string, composite: readonly Composite[], prefix?: string) {
  const parts = composite.map((name) => `\${${name}}`);
  return {
    field,
    composite: composite as Composite[],
    template: [...(prefix === undefined ? [] : [prefix]), ...parts].join("#"),
    casing: "none" as const,
  };
}

/** Entity options every entity shares: short identifier attributes. */
export const entityConfig = { identifiers: Identifiers } as const;
