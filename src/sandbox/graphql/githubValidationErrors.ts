import {
  type ASTNode,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  isEnumType,
  Kind,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { GithubErrorJson } from "./githubError.js";

// GitHub runs graphql-ruby, whose static validation words its errors differently from
// graphql-js and adds `path` and `extensions.code`. Apps match on these strings ("doesn't exist
// on type"), so the sandbox rewrites graphql-js's findings into graphql-ruby's wording for the
// errors an app is likely to make; anything rarer keeps graphql-js's message.

interface NodeContext {
  path: string[];
  /** innermost field the node sits in (or the field itself) */
  fieldName: string | undefined;
  /** the argument the node sits in, with its declared type */
  argument:
    | { name: string; type: string; owner: "Field" | "Directive"; ownerName: string }
    | undefined;
  variableName: string | undefined;
  inFragmentCondition: boolean;
}

function describeOperation(operation: string, name: string | undefined): string {
  return name === undefined ? operation : `${operation} ${name}`;
}

/** Walks the document once, remembering where every node sits, for error paths. */
function nodeContexts(schema: GraphQLSchema, document: DocumentNode): Map<ASTNode, NodeContext> {
  const contexts = new Map<ASTNode, NodeContext>();
  const typeInfo = new TypeInfo(schema);
  const path: string[] = [];
  const labelled: boolean[] = [];
  const fields: string[] = [];
  let argument: NodeContext["argument"];
  let directiveName: string | undefined;
  let variableName: string | undefined;

  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      enter(node) {
        let label: string | undefined;
        switch (node.kind) {
          case Kind.OPERATION_DEFINITION:
            label = describeOperation(node.operation, node.name?.value);
            break;
          case Kind.FRAGMENT_DEFINITION:
            label = `fragment ${node.name.value}`;
            break;
          case Kind.INLINE_FRAGMENT:
            label = node.typeCondition ? `... on ${node.typeCondition.name.value}` : "...";
            break;
          case Kind.FRAGMENT_SPREAD:
            label = `... ${node.name.value}`;
            break;
          case Kind.FIELD:
            label = node.alias?.value ?? node.name.value;
            fields.push(node.name.value);
            break;
          case Kind.DIRECTIVE:
            directiveName = node.name.value;
            break;
          case Kind.ARGUMENT: {
            label = node.name.value;
            const definition = typeInfo.getArgument();
            argument = {
              name: node.name.value,
              type: definition ? String(definition.type) : "?",
              owner: directiveName !== undefined ? "Directive" : "Field",
              ownerName: directiveName ?? fields[fields.length - 1] ?? "?",
            };
            break;
          }
          case Kind.OBJECT_FIELD:
            label = node.name.value;
            break;
          case Kind.VARIABLE_DEFINITION:
            variableName = node.variable.name.value;
            break;
        }
        if (label !== undefined) path.push(label);
        labelled.push(label !== undefined);
        contexts.set(node, {
          path: [...path],
          fieldName: fields[fields.length - 1],
          argument,
          variableName,
          inFragmentCondition: false,
        });
        if (
          (node.kind === Kind.INLINE_FRAGMENT || node.kind === Kind.FRAGMENT_DEFINITION) &&
          node.typeCondition
        ) {
          const context = contexts.get(node);
          if (context) contexts.set(node.typeCondition, { ...context, inFragmentCondition: true });
        }
      },
      leave(node) {
        if (labelled.pop()) path.pop();
        if (node.kind === Kind.FIELD) fields.pop();
        if (node.kind === Kind.ARGUMENT) argument = undefined;
        if (node.kind === Kind.DIRECTIVE) directiveName = undefined;
        if (node.kind === Kind.VARIABLE_DEFINITION) variableName = undefined;
      },
    }),
  );
  return contexts;
}

const VALUE_KINDS = new Set<string>([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
]);

function unwrap(type: string): string {
  return type.replace(/[[\]!]/g, "");
}

function operationLabel(name: string | undefined): string {
  return name === undefined ? "anonymous query" : name;
}

/** Rewrites one graphql-js validation error; `undefined` fields are dropped by JSON. */
function rewrite(
  schema: GraphQLSchema,
  error: GraphQLError,
  contexts: Map<ASTNode, NodeContext>,
): GithubErrorJson | null {
  const message = error.message;
  let m: RegExpMatchArray | null;
  const node = error.nodes?.[0];
  const context = node === undefined ? undefined : contexts.get(node);

  m = message.match(/^Cannot query field "(.+?)" on type "(.+?)"\./);
  if (m) {
    const [, fieldName, typeName] = m;
    return {
      message: `Field '${fieldName}' doesn't exist on type '${typeName}'`,
      extensions: { code: "undefinedField", typeName, fieldName },
    };
  }

  m = message.match(/^Unknown argument "(.+?)" on field "(?:.+?)\.(.+?)"\./);
  if (m) {
    const [, argumentName, name] = m;
    return {
      message: `Field '${name}' doesn't accept argument '${argumentName}'`,
      extensions: { code: "argumentNotAccepted", name, typeName: "Field", argumentName },
    };
  }
  m = message.match(/^Unknown argument "(.+?)" on directive "@(.+?)"\./);
  if (m) {
    const [, argumentName, name] = m;
    return {
      message: `Directive '${name}' doesn't accept argument '${argumentName}'`,
      extensions: { code: "argumentNotAccepted", name, typeName: "Directive", argumentName },
    };
  }

  m = message.match(
    /^Field "(.+?)" argument "(.+?)" of type "(.+?)" is required, but it was not provided\./,
  );
  if (m) {
    const [, name, argumentName] = m;
    // graphql-ruby reports every missing argument of a field in one error; merged by the caller.
    return {
      message: `Field '${name}' is missing required arguments: ${argumentName}`,
      extensions: {
        code: "missingRequiredArguments",
        className: "Field",
        name,
        arguments: argumentName,
      },
    };
  }

  m = message.match(/^Field "(.+?)\.(.+?)" of required type "(.+?)" was not provided\./);
  if (m) {
    const [, inputObjectType, argumentName, argumentType] = m;
    return {
      message: `Argument '${argumentName}' on InputObject '${inputObjectType}' is required. Expected type ${argumentType}`,
      extensions: {
        code: "missingRequiredInputObjectAttribute",
        argumentName,
        argumentType,
        inputObjectType,
      },
    };
  }

  m = message.match(/^Field "(.+?)" of type "(.+?)" must have a selection of subfields\./);
  if (m) {
    const [, name, type] = m as unknown as [string, string, string];
    return {
      message: `Field must have selections (field '${name}' returns ${unwrap(type)} but has no selections. Did you mean '${name} { ... }'?)`,
      extensions: { code: "selectionMismatch", nodeName: `field '${name}'` },
    };
  }

  m = message.match(
    /^Field "(.+?)" must not have a selection since type "(.+?)" has no subfields\./,
  );
  if (m) {
    const [, name, type] = m as unknown as [string, string, string];
    const typeName = unwrap(type);
    const kind = isEnumType(schema.getType(typeName)) ? "enums" : "scalars";
    const selected =
      node?.kind === Kind.FIELD
        ? (node.selectionSet?.selections ?? []).map((s) =>
            s.kind === Kind.FIELD
              ? s.name.value
              : s.kind === Kind.FRAGMENT_SPREAD
                ? `... ${s.name.value}`
                : "...",
          )
        : [];
    return {
      message: `Selections can't be made on ${kind} (field '${name}' returns ${typeName} but has selections [${selected.join(", ")}])`,
      extensions: { code: "selectionMismatch", nodeName: `field '${name}'`, typeName },
    };
  }

  m = message.match(/^Variable "\$(.+?)" is not defined(?: by operation "(.+?)")?\./);
  if (m) {
    const [, variableName, operation] = m;
    return {
      message: `Variable $${variableName} is used by ${operationLabel(operation)} but not declared`,
      extensions: { code: "variableNotDefined", variableName },
    };
  }

  m = message.match(/^Variable "\$(.+?)" is never used(?: in operation "(.+?)")?\./);
  if (m) {
    const [, variableName, operation] = m;
    return {
      message: `Variable $${variableName} is declared by ${operationLabel(operation)} but not used`,
      extensions: { code: "variableNotUsed", variableName },
    };
  }

  m = message.match(
    /^Variable "\$(.+?)" of type "(.+?)" used in position expecting type "(.+?)"\./,
  );
  if (m) {
    const [, variableName, given, expected] = m as unknown as [string, string, string, string];
    // nodes are [variable definition, variable usage]: the usage knows the argument
    const usage = error.nodes?.[1];
    const argumentName =
      (usage === undefined ? undefined : contexts.get(usage))?.argument?.name ?? "?";
    const kind = unwrap(given) === unwrap(expected) ? "Nullability mismatch" : "Type mismatch";
    return {
      message: `${kind} on variable $${variableName} and argument ${argumentName} (${given} / ${expected})`,
      extensions: { code: "variableMismatch", variableName, typeName: given, argumentName },
    };
  }

  m = message.match(/^Unknown type "(.+?)"\./);
  if (m) {
    const [, typeName] = m;
    if (context?.variableName !== undefined && !context.inFragmentCondition) {
      return {
        message: `${typeName} isn't a defined input type (on $${context.variableName})`,
        extensions: {
          code: "variableRequiresValidType",
          typeName,
          variableName: context.variableName,
        },
      };
    }
    return {
      message: `No such type ${typeName}, so it can't be a fragment condition`,
      extensions: { code: "undefinedType", typeName },
    };
  }

  m = message.match(/^Unknown fragment "(.+?)"\./);
  if (m) {
    return {
      message: `Fragment ${m[1]} was used, but not defined`,
      extensions: { code: "useAndDefineFragment", fragmentName: m[1] },
    };
  }
  m = message.match(/^Fragment "(.+?)" is never used\./);
  if (m) {
    return {
      message: `Fragment ${m[1]} was defined, but not used`,
      extensions: { code: "useAndDefineFragment", fragmentName: m[1] },
    };
  }
  m = message.match(
    /^Fragment (?:"(.+?)" )?cannot be spread here as objects of type "(.+?)" can never be of type "(.+?)"\./,
  );
  if (m) {
    const [, fragmentName, parentName, typeName] = m;
    const label = fragmentName === undefined ? "Fragment" : `Fragment ${fragmentName}`;
    return {
      message: `${label} on ${typeName} can't be spread inside ${parentName}`,
      extensions: {
        code: "fragmentSpreadTypeMismatch",
        fragmentName: fragmentName ?? "unknown",
        parentName,
        typeName,
      },
    };
  }

  // A literal of the wrong type in an argument (graphql-js words it per scalar).
  if (node !== undefined && VALUE_KINDS.has(node.kind) && context?.argument !== undefined) {
    const { argument } = context;
    return {
      message: `Argument '${argument.name}' on ${argument.owner} '${argument.ownerName}' has an invalid value (${print(node)}). Expected type '${argument.type}'.`,
      extensions: {
        code: "argumentLiteralsIncompatible",
        typeName: argument.owner,
        argumentName: argument.name,
      },
    };
  }
  return null;
}

/** GitHub's answer to a document that parses but does not validate against its schema. */
export function githubValidationErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  errors: ReadonlyArray<GraphQLError>,
): GithubErrorJson[] {
  const contexts = nodeContexts(schema, document);
  const out: GithubErrorJson[] = [];
  const missingArguments = new Map<ASTNode, GithubErrorJson>();
  for (const error of errors) {
    const node = error.nodes?.[0];
    const context = node === undefined ? undefined : contexts.get(node);
    const rewritten = rewrite(schema, error, contexts) ?? { message: error.message };
    const json: GithubErrorJson = {
      message: rewritten.message,
      ...(error.locations !== undefined ? { locations: error.locations } : {}),
      ...(context !== undefined ? { path: context.path } : {}),
      ...(rewritten.extensions !== undefined ? { extensions: rewritten.extensions } : {}),
    };
    if (rewritten.extensions?.code === "missingRequiredArguments" && node !== undefined) {
      const earlier = missingArguments.get(node);
      if (earlier?.extensions !== undefined) {
        const names = `${String(earlier.extensions.arguments)}, ${String(rewritten.extensions.arguments)}`;
        earlier.extensions.arguments = names;
        earlier.message = `Field '${String(earlier.extensions.name)}' is missing required arguments: ${names}`;
        continue;
      }
      missingArguments.set(node, json);
    }
    out.push(json);
  }
  return out;
}

const TOKEN_NAMES: Record<string, string> = {
  "{": "LCURLY",
  "}": "RCURLY",
  "(": "LPAREN",
  ")": "RPAREN",
  "[": "LBRACKET",
  "]": "RBRACKET",
  ":": "COLON",
  $: "VAR_SIGN",
  "!": "BANG",
  "=": "EQUALS",
  "@": "DIR_SIGN",
  "...": "ELLIPSIS",
  "|": "PIPE",
  "&": "AMP",
};

const KEYWORDS = new Set([
  "query",
  "mutation",
  "subscription",
  "fragment",
  "on",
  "true",
  "false",
  "null",
  "type",
  "schema",
  "input",
  "enum",
  "union",
  "scalar",
  "interface",
  "directive",
  "extend",
  "implements",
  "repeatable",
]);

/**
 * GitHub's answer to a document that does not parse: graphql-ruby's "Parse error on "}"
 * (RCURLY) at [line, column]", or "Unexpected end of document".
 */
export function githubSyntaxError(error: GraphQLError): GithubErrorJson {
  const location = error.locations?.[0];
  const locations = location ? [location] : undefined;
  const where = location ? ` at [${location.line}, ${location.column}]` : "";
  const found = error.message.match(/(?:found|Unexpected) (.+)\.$/)?.[1];
  if (found === "<EOF>") return { message: "Unexpected end of document", locations: [] };
  let token: { text: string; name: string } | undefined;
  if (found !== undefined) {
    const punctuator = found.match(/^"(.+)"$/)?.[1];
    const typed = found.match(/^(Name|Int|Float|String|BlockString) "(.*)"$/);
    if (punctuator !== undefined && TOKEN_NAMES[punctuator] !== undefined) {
      token = { text: punctuator, name: TOKEN_NAMES[punctuator] };
    } else if (typed) {
      const [, kind, text] = typed as unknown as [string, string, string];
      const name =
        kind === "Name"
          ? KEYWORDS.has(text)
            ? text.toUpperCase()
            : "IDENTIFIER"
          : kind === "Int"
            ? "INT"
            : kind === "Float"
              ? "FLOAT"
              : "STRING";
      token = { text, name };
    }
  }
  if (token !== undefined) {
    return {
      message: `Parse error on "${token.text}" (${token.name})${where}`,
      ...(locations ? { locations } : {}),
    };
  }
  return {
    message: `${error.message.replace(/^Syntax Error: /, "")}${where}`,
    ...(locations ? { locations } : {}),
  };
}
