/** The JSON types a value can have. */
export type JsonType = "null" | "boolean" | "number" | "string" | "array" | "object";

/**
 * The shape of one or more JSON values merged: the types seen at each place, the keys of
 * objects (and whether some object lacked one), and the merged shape of array items.
 */
export interface JsonShape {
  readonly types: Set<JsonType>;
  readonly keys: Map<string, { shape: JsonShape; seen: number }>;
  /** Objects merged here: a key seen in fewer of them is optional. */
  objects: number;
  items?: JsonShape;
}

const typeOf = (value: unknown): JsonType =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "array"
      : typeof value === "object"
        ? "object"
        : (typeof value as "boolean" | "number" | "string");

const emptyShape = (): JsonShape => ({ types: new Set(), keys: new Map(), objects: 0 });

function mergeInto(shape: JsonShape, value: unknown): void {
  const type = typeOf(value);
  shape.types.add(type);
  if (type === "array") {
    for (const item of value as unknown[]) {
      shape.items ??= emptyShape();
      mergeInto(shape.items, item);
    }
  } else if (type === "object") {
    shape.objects += 1;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const entry = shape.keys.get(key) ?? { shape: emptyShape(), seen: 0 };
      entry.seen += 1;
      mergeInto(entry.shape, v);
      shape.keys.set(key, entry);
    }
  }
}

/** The merged shape of `values` (e.g. every recorded body of one endpoint). */
export function jsonShape(values: readonly unknown[]): JsonShape {
  const shape = emptyShape();
  for (const value of values) mergeInto(shape, value);
  return shape;
}

export interface ShapeOptions {
  /** Paths ("data[].attributes.attributes") of objects whose keys are user data, not API fields. */
  readonly freeForm?: readonly string[];
}

/**
 * Where `value` departs from `shape`, one line per place: a type the recordings never show there
 * (a `null` is fine where they show one), a key they never have, a key every recorded object has
 * but the value lacks. Arrays may have any length; an array the recordings only show empty
 * takes any items.
 */
export function shapeProblems(
  value: unknown,
  shape: JsonShape,
  options: ShapeOptions = {},
  path = "",
): string[] {
  const type = typeOf(value);
  const where = path || "(body)";
  if (!shape.types.has(type)) {
    return [`${where}: ${type}, recorded as ${[...shape.types].join(" or ")}`];
  }
  if (type === "array" && shape.items) {
    const items = shape.items;
    return (value as unknown[]).flatMap((item) => shapeProblems(item, items, options, `${path}[]`));
  }
  if (type !== "object" || options.freeForm?.includes(path)) return [];
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const [key, v] of Object.entries(record)) {
    const entry = shape.keys.get(key);
    const at = path ? `${path}.${key}` : key;
    if (!entry) problems.push(`${at}: not in the recording`);
    else problems.push(...shapeProblems(v, entry.shape, options, at));
  }
  for (const [key, entry] of shape.keys) {
    if (entry.seen === shape.objects && !(key in record)) {
      problems.push(`${path ? `${path}.${key}` : key}: missing (the recording always has it)`);
    }
  }
  return problems;
}
