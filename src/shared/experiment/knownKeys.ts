// Which keys an object in the experiment file may have, read from the generated JSON Schema,
// so an unknown-key message can list them or suggest the one that was meant.
import { experimentJsonSchema } from './jsonSchema';

type SchemaNode = Record<string, unknown>;

function isSchemaNode(value: unknown): value is SchemaNode {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Options of a union node; for a tagged union, only the option whose `type` matches `value`. */
function alternatives(node: SchemaNode, value: unknown): SchemaNode[] {
  const options = [node.anyOf, node.oneOf].flatMap((list) => (Array.isArray(list) ? list.filter(isSchemaNode) : []));
  if (options.length === 0) return [node];
  const tag = isSchemaNode(value) ? value.type : undefined;
  const tagged = options.filter((option) => {
    const properties = option.properties;
    const typeSchema = isSchemaNode(properties) ? properties.type : undefined;
    return isSchemaNode(typeSchema) && typeSchema.const === tag;
  });
  return (tagged.length > 0 ? tagged : options).flatMap((option) => alternatives(option, value));
}

function childSchemas(node: SchemaNode, segment: string | number, value: unknown): SchemaNode[] {
  return alternatives(node, value).flatMap((option) => {
    if (typeof segment === 'number') {
      const items = option.items ?? option.prefixItems;
      if (Array.isArray(items)) return isSchemaNode(items[segment]) ? [items[segment]] : [];
      return isSchemaNode(items) ? [items] : [];
    }
    const properties = option.properties;
    const child = isSchemaNode(properties) ? properties[segment] : undefined;
    return isSchemaNode(child) ? [child] : [];
  });
}

/** Keys allowed at `path`; `valueAtPath` picks the right option of a tagged union (dataset types). */
export function knownKeysAt(path: readonly (string | number)[], valueAtPath: unknown): string[] {
  let nodes: SchemaNode[] = [experimentJsonSchema() as SchemaNode];
  for (const segment of path) nodes = nodes.flatMap((node) => childSchemas(node, segment, undefined));
  const keys = new Set<string>();
  for (const node of nodes) {
    for (const option of alternatives(node, valueAtPath)) {
      const properties = option.properties;
      if (isSchemaNode(properties)) for (const key of Object.keys(properties)) if (key !== '$schema') keys.add(key);
    }
  }
  return [...keys];
}
