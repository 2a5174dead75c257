// Checks on file-system paths inside containers and volumes (no backsteps, relative paths).
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';

export function hasBackstep(target: string): boolean {
  for (const part of target.split('/')) if (part === '..') return true;
  return false;
}

export function pushNoBacksteps(errs: FieldError[], target: string, path: string): void {
  // One error is enough, even for "../../..".
  if (hasBackstep(target)) errs.push(field.invalid(path, target, "must not contain '..'"));
}

/** Relative and without "..": a path under a volume root. */
export function pushLocalDescendingPath(errs: FieldError[], target: string, path: string): void {
  if (target.startsWith('/')) errs.push(field.invalid(path, target, 'must be a relative path'));
  pushNoBacksteps(errs, target, path);
}

/** A descending path that also may not start with "..". */
export function pushLocalNonReservedPath(errs: FieldError[], target: string, path: string): void {
  pushLocalDescendingPath(errs, target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(field.invalid(path, target, "must not start with '..'"));
}
