import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  getNamedType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { githubSchema } from "./githubSchema.js";

/**
 * A place in an operation where GitHub pages or fans out: a connection field (it takes
 * `first`/`last` and returns a `...Connection`), or `nodes(ids:)`, whose ids multiply whatever
 * is selected under it. Both GitHub's cost formula and its pagination rules are about these.
 */
export interface ConnectionUse {
  kind: "connection" | "idList";
  fieldName: string;
  node: FieldNode;
  first: ValueNode | undefined;
  last: ValueNode | undefined;
  ids: ValueNode | undefined;
  /** whether `nodes` or `edges` is selected (a bare `totalCount` needs no first/last) */
  selectsItems: boolean;
  children: ConnectionUse[];
}

interface FieldGroup {
  node: FieldNode;
  definition: GraphQLField<unknown, unknown>;
  ownerType: GraphQLCompositeType;
  selectionSets: SelectionSetNode[];
}

const cache = new WeakMap<DocumentNode, Map<string, ConnectionUse[]>>();

/** The connection uses of one operation (the only one, or the named one), as a tree. */
export function connectionTree(
  document: DocumentNode,
  operationName?: string | null,
): ConnectionUse[] {
  let perOperation = cache.get(document);
  if (perOperation === undefined) {
    perOperation = new Map();
    cache.set(document, perOperation);
  }
  const key = operationName ?? "";
  const hit = perOperation.get(key);
  if (hit !== undefined) return hit;

  const schema = githubSchema();
  const operation = getOperationAST(document, operationName);
  const uses: ConnectionUse[] = [];
  const rootType = !operation
    ? undefined
    : operation.operation === "mutation"
      ? schema.getMutationType()
      : schema.getQueryType();
  if (operation && rootType) {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION)
        fragments.set(definition.name.value, definition);
    }
    walk([operation.selectionSet], rootType, uses, fragments, rootType.name);
  }
  perOperation.set(key, uses);
  return uses;
}

/** Adds the uses found under these selection sets to `out`; returns the field names selected. */
function walk(
  selectionSets: SelectionSetNode[],
  type: GraphQLCompositeType,
  out: ConnectionUse[],
  fragments: Map<string, FragmentDefinitionNode>,
  rootTypeName: string,
): Set<string> {
  const schema = githubSchema();
  const groups = new Map<string, FieldGroup>();
  const names = new Set<string>();

  // Fields with one response key are one field (GitHub counts each unique connection once);
  // fragments on different types keep their fields apart, since both may apply.
  const collect = (
    selectionSet: SelectionSetNode,
    owner: GraphQLCompositeType,
    seen: Set<string>,
  ) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        names.add(name);
        if (name.startsWith("__") || !(isObjectType(owner) || isInterfaceType(owner))) continue;
        const definition = owner.getFields()[name];
        if (definition === undefined) continue;
        const key = `${owner.name}.${selection.alias?.value ?? name}`;
        const group = groups.get(key);
        if (group === undefined) {
          groups.set(key, {
            node: selection,
            definition,
            ownerType: owner,
            selectionSets: selection.selectionSet ? [selection.selectionSet] : [],
          });
        } else if (selection.selectionSet) {
          group.selectionSets.push(selection.selectionSet);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : owner;
        if (condition && isCompositeType(condition))
          collect(selection.selectionSet, condition, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment === undefined || seen.has(name)) continue;
        const condition = schema.getType(fragment.typeCondition.name.value);
        if (condition && isCompositeType(condition))
          collect(fragment.selectionSet, condition, new Set([...seen, name]));
      }
    }
  };
  for (const selectionSet of selectionSets) collect(selectionSet, type, new Set());

  for (const group of groups.values()) {
    const returned = getNamedType(group.definition.type);
    if (!isCompositeType(returned)) continue;
    const argument = (name: string) =>
      group.node.arguments?.find((a) => a.name.value === name)?.value;
    const isConnection =
      returned.name.endsWith("Connection") && group.definition.args.some((a) => a.name === "first");
    const isIdList = group.ownerType.name === rootTypeName && group.definition.name === "nodes";
    if (isConnection || isIdList) {
      const use: ConnectionUse = {
        kind: isConnection ? "connection" : "idList",
        fieldName: group.definition.name,
        node: group.node,
        first: argument("first"),
        last: argument("last"),
        ids: argument("ids"),
        selectsItems: false,
        children: [],
      };
      const selected = walk(group.selectionSets, returned, use.children, fragments, rootTypeName);
      use.selectsItems = selected.has("nodes") || selected.has("edges");
      out.push(use);
    } else {
      walk(group.selectionSets, returned, out, fragments, rootTypeName);
    }
  }
  return names;
}
