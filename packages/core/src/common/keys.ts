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

type Template = { field: string; composite: string[]; template: string };
type Keyed = {
  schema: {
    indexes: Record<string, { index?: string; pk: Template; sk: Template }>;
    attributes: Record<string, { type?: unknown; padding?: unknown }>;
  };
};

const builders = new WeakMap<object, (values: Record<string, string>) => Record<string, string>>();

/**
 * An entity's table key from its own templates, without building an ElectroDB chain (which costs
 * a request's worth of CPU on a small read). keys.test.ts pins it to ElectroDB's `get().params()`.
 */
export function primaryKey(entity: Keyed, values: Record<string, string>): Record<string, string> {
  let build = builders.get(entity);
  if (!build) {
    const primary = Object.values(entity.schema.indexes).find((index) => index.index === undefined);
    if (!primary) throw new Error("the entity has no table index");
    // Only plain string composites: numbers and padding are ElectroDB's to format (ViewKeys spells those).
    for (const name of [...primary.pk.composite, ...primary.sk.composite]) {
      const attribute = entity.schema.attributes[name];
      if (attribute?.padding !== undefined || (attribute?.type !== "string" && !Array.isArray(attribute?.type))) {
        throw new Error(`primaryKey builds string keys only; ${name} is not a plain string`);
      }
    }
    const fill =
      ({ template, composite }: Template) =>
      (v: Record<string, string>) =>
        composite.reduce((key, name) => {
          const value = v[name];
          if (value === undefined || value === "") throw new Error(`a key needs ${name}`);
          return key.replace(`\${${name}}`, () => value);
        }, template);
    const [pk, sk] = [fill(primary.pk), fill(primary.sk)];
    const [pkField, skField] = [primary.pk.field, primary.sk.field];
    build = (v) => ({ [pkField]: pk(v), [skField]: sk(v) });
    builders.set(entity, build);
  }
  return build(values);
}
