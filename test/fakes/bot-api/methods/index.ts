import type { MethodHandler } from './context.js';
import { editMethods } from './edit.js';
import { fileMethods } from './files.js';
import { sendMethods } from './send.js';
import { updateMethods } from './updates.js';

export { Described, type MethodContext, type MethodHandler } from './context.js';

const all: Record<string, MethodHandler> = { ...updateMethods, ...sendMethods, ...editMethods, ...fileMethods };

/** Bot API method names are case-insensitive. */
const byLowerName = new Map(Object.entries(all).map(([name, handler]) => [name.toLowerCase(), { name, handler }]));

export function findMethod(name: string): { name: string; handler: MethodHandler } | undefined {
  return byLowerName.get(name.toLowerCase());
}
