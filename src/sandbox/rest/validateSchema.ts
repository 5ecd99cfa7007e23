import { deref, type JsonSchema, type OpenApiDocument } from "./openApiSpec.js";

// A validator for the subset of JSON Schema that GitHub's OpenAPI description uses (types,
// nullable, enum, required, properties, items, minItems/maxItems, minLength/maxLength,
// oneOf/anyOf/allOf). It checks request
// bodies (GitHub answers 422) and the sandbox's own responses (so fake shapes cannot drift from
// GitHub's). Unknown properties are allowed, as GitHub ignores them; `format` is not checked.

export interface SchemaError {
  /** "properties/title" style pointer, like GitHub's own messages */
  pointer: string;
  /** GitHub-style sentence, e.g. `"head" wasn't supplied.` */
  message: string;
}

export function validateSchema(
  doc: OpenApiDocument,
  schema: JsonSchema,
  value: unknown,
  pointer = "",
): SchemaError[] {
  const errors: SchemaError[] = [];
  check(doc, schema, value, pointer, errors);
  return errors;
}

function check(
  doc: OpenApiDocument,
  raw: JsonSchema,
  value: unknown,
  pointer: string,
  errors: SchemaError[],
): void {
  const schema = deref<JsonSchema>(doc, raw);
  if (value === null) {
    if (allowsNull(doc, schema)) return;
    errors.push({
      pointer,
      message: `For '${pointer || "body"}', nil is not ${expected(schema)}.`,
    });
    return;
  }
  for (const part of schema.allOf ?? []) check(doc, part, value, pointer, errors);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    // GitHub's oneOf branches overlap (string vs object with optional keys), so any match will do.
    const fits = alternatives.some((alt) => validateSchema(doc, alt, value, pointer).length === 0);
    if (!fits) {
      errors.push({
        pointer,
        message: `For '${pointer || "body"}', ${show(value)} is not a possible value.`,
      });
      return;
    }
  }
  const types = typeof schema.type === "string" ? [schema.type] : (schema.type ?? []);
  if (types.length > 0 && !types.some((t) => hasType(value, t))) {
    errors.push({
      pointer,
      message: `For '${pointer || "body"}', ${show(value)} is not ${expected(schema)}.`,
    });
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    const options = schema.enum.map((v) => JSON.stringify(v)).join(", ");
    errors.push({
      pointer,
      message: `For '${pointer || "body"}', ${show(value)} is not a member of [${options}].`,
    });
    return;
  }
  if (typeof value === "string") {
    // GitHub counts characters; a JavaScript string's length counts UTF-16 units, which is
    // stricter for text outside the BMP and exact otherwise.
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      errors.push({
        pointer,
        message: `For '${pointer || "body"}', ${show(value)} is too long (${value.length} > ${schema.maxLength}).`,
      });
    }
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      errors.push({
        pointer,
        message: `For '${pointer || "body"}', ${show(value)} is too short (${value.length} < ${schema.minLength}).`,
      });
    }
    return;
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      errors.push({
        pointer,
        message: `For '${pointer || "body"}', ${show(value)} has more than ${schema.maxItems} items.`,
      });
    }
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      errors.push({
        pointer,
        message: `For '${pointer || "body"}', ${show(value)} has fewer than ${schema.minItems} items.`,
      });
    }
    if (schema.items) {
      value.forEach((item, i) => {
        check(doc, schema.items as JsonSchema, item, `${pointer}/items/${i}`, errors);
      });
    }
    return;
  }
  if (typeof value === "object" && value !== undefined) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (record[key] === undefined) {
        const where = pointer ? ` in '${pointer}'` : "";
        errors.push({ pointer: join(pointer, key), message: `"${key}" wasn't supplied${where}.` });
      }
    }
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (record[key] !== undefined) check(doc, sub, record[key], join(pointer, key), errors);
    }
  }
}

function join(pointer: string, key: string): string {
  return pointer ? `${pointer}/properties/${key}` : `properties/${key}`;
}

function allowsNull(doc: OpenApiDocument, raw: JsonSchema): boolean {
  const schema = deref<JsonSchema>(doc, raw);
  if (schema.nullable === true) return true;
  if (schema.type === "null" || (Array.isArray(schema.type) && schema.type.includes("null"))) {
    return true;
  }
  if (schema.enum?.includes(null)) return true;
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return alternatives.some((alt) => allowsNull(doc, alt));
  if (schema.allOf) return schema.allOf.every((part) => allowsNull(doc, part));
  return false;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "null":
      return value === null;
    default:
      // GitHub's description has a few non-standard types ("blob"); do not judge those.
      return true;
  }
}

function expected(schema: JsonSchema): string {
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : schema.type;
  if (!type) return "a possible value";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text && text.length > 60 ? `${text.slice(0, 57)}...` : String(text);
}
