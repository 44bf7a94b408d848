import { createRequire } from 'node:module';
import type * as ClassValidator from 'class-validator';

/*
 * The few parts of class-validator that the claims schema uses, each loaded from its own module.
 * class-validator's index loads every validator it has — all of validator.js and libphonenumber-js,
 * ~320 modules and most of this library's import time — to offer decorators the claims never use.
 * These parts are ~30 modules. They are the same files the index loads (class-validator has no
 * `exports` map; Node resolves both to cjs/), so a host that imports class-validator itself shares
 * the one metadata storage. Typed against the package's public declarations; a test checks that
 * every part resolves (a class-validator release that moves a file fails it, not a user's boot).
 */
const load = createRequire(import.meta.url);
type ClassValidatorApi = typeof ClassValidator;

function part<K extends keyof ClassValidatorApi>(path: string, name: K): ClassValidatorApi[K] {
  const exported = (load(`class-validator/cjs/${path}`) as Partial<ClassValidatorApi>)[name];
  if (exported === undefined) throw new Error(`class-validator/cjs/${path} has no export ${String(name)}`);
  return exported;
}

export const ValidateBy = part('decorator/common/ValidateBy', 'ValidateBy');
export const IsOptional = part('decorator/common/IsOptional', 'IsOptional');
export const ValidateNested = part('decorator/common/ValidateNested', 'ValidateNested');
export const IsObject = part('decorator/typechecker/IsObject', 'IsObject');
export const isInt = part('decorator/typechecker/IsInt', 'isInt');
export const maxLength = part('decorator/string/MaxLength', 'maxLength');
export const minLength = part('decorator/string/MinLength', 'minLength');

const Validator = part('validation/Validator', 'Validator');
const validator = new Validator();

/** class-validator's `validateSync`, without its container lookup (the default container makes one Validator too). */
export function validateSync(
  object: object,
  options?: ClassValidator.ValidatorOptions,
): ClassValidator.ValidationError[] {
  return validator.validateSync(object, options);
}

export type { ValidationArguments, ValidationError } from 'class-validator';
