import { badRequest, KubeApiError } from './api-error.ts';
import { isJsonObject, jsonEqual, type JsonObject } from './types.ts';

/** One RFC 6902 operation. */
interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer ${JSON.stringify(pointer)}: must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function rejected(operation: JsonPatchOperation, why: string): KubeApiError {
  return new KubeApiError(422, 'Invalid', `jsonpatch ${operation.op} operation does not apply: ${why}`);
}

function arrayIndex(container: unknown[], token: string, allowEnd: boolean, operation: JsonPatchOperation): number {
  if (token === '-' && allowEnd) return container.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw rejected(operation, `invalid array index ${JSON.stringify(token)}`);
  const index = Number(token);
  if (index > container.length || (!allowEnd && index === container.length)) {
    throw rejected(operation, `index ${index} out of bounds for path ${operation.path}`);
  }
  return index;
}

/** Walks to the parent container of `tokens`' last element. */
function parentOf(document: unknown, tokens: string[], operation: JsonPatchOperation): unknown {
  let current = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[arrayIndex(current, token, false, operation)];
    else if (isJsonObject(current) && token in current) current = current[token];
    else throw rejected(operation, `doc is missing path: ${operation.path}`);
  }
  return current;
}

function read(document: unknown, pointer: string, operation: JsonPatchOperation): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return document;
  const parent = parentOf(document, tokens, operation);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, false, operation)];
  if (isJsonObject(parent) && last in parent) return parent[last];
  throw rejected(operation, `doc is missing path: ${pointer}`);
}

function write(document: unknown, pointer: string, value: unknown, mode: 'add' | 'replace', operation: JsonPatchOperation): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = parentOf(document, tokens, operation);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, last, mode === 'add', operation);
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isJsonObject(parent)) {
    if (mode === 'replace' && !(last in parent)) throw rejected(operation, `doc is missing key: ${pointer}`);
    parent[last] = value;
  } else {
    throw rejected(operation, `doc is missing path: ${pointer}`);
  }
  return document;
}

function remove(document: unknown, pointer: string, operation: JsonPatchOperation): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw rejected(operation, 'cannot remove the whole document');
  const parent = parentOf(document, tokens, operation);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false, operation), 1);
  else if (isJsonObject(parent) && last in parent) delete parent[last];
  else throw rejected(operation, `doc is missing path: ${pointer}`);
  return document;
}

function toOperations(patch: unknown): JsonPatchOperation[] {
  if (!Array.isArray(patch)) throw badRequest('a JSON patch must be an array of operations');
  return patch.map((entry, i) => {
    if (!isJsonObject(entry) || typeof entry.op !== 'string' || typeof entry.path !== 'string') {
      throw badRequest(`JSON patch operation ${i} needs string "op" and "path"`);
    }
    return entry as unknown as JsonPatchOperation;
  });
}

/** Applies an RFC 6902 JSON patch to a copy of `target`; failures are 422 like the apiserver's. */
export function applyJsonPatch(target: JsonObject, patch: unknown): JsonObject {
  let document: unknown = structuredClone(target);
  for (const operation of toOperations(patch)) {
    switch (operation.op) {
      case 'add':
        document = write(document, operation.path, structuredClone(operation.value), 'add', operation);
        break;
      case 'replace':
        document = write(document, operation.path, structuredClone(operation.value), 'replace', operation);
        break;
      case 'remove':
        document = remove(document, operation.path, operation);
        break;
      case 'move':
      case 'copy': {
        const from = operation.from;
        if (typeof from !== 'string') throw badRequest(`JSON patch ${operation.op} needs "from"`);
        const value = structuredClone(read(document, from, operation));
        if (operation.op === 'move') document = remove(document, from, operation);
        document = write(document, operation.path, value, 'add', operation);
        break;
      }
      case 'test':
        if (!jsonEqual(read(document, operation.path, operation), operation.value)) {
          throw rejected(operation, `testing value ${operation.path} failed`);
        }
        break;
      default:
        throw badRequest(`unknown JSON patch operation ${JSON.stringify(operation.op)}`);
    }
  }
  if (!isJsonObject(document)) throw rejected({ op: 'replace', path: '' }, 'the result is not an object');
  return document;
}
