import type { EnvironmentReader } from '../key-stores/environment-key.store.js';
import { referencedVariable } from './key-reference.util.js';

/** The instance name this install verifies keys against, and a warning when it is unknown. */
export interface InstanceBinding {
  /** `undefined`: binding off (no `instance` option). */
  readonly instance?: string;
  readonly warning?: string;
}

/**
 * Resolves the `instance` option: a literal name, or `${NAME}` read from the environment (through
 * `ConfigService`, like the key). A reference to an unset variable binds to "no name": keys bound to
 * an instance are then rejected (`instance mismatch`) and a warning names the variable, because an
 * operator who asked for binding and forgot the variable must not silently get it switched off.
 */
export function resolveInstance(configured: string | undefined, env: EnvironmentReader): InstanceBinding {
  if (configured === undefined) return {};
  const name = referencedVariable(configured);
  if (name === undefined) return { instance: configured };
  const value = env.get<string>(name);
  if (typeof value === 'string' && value.trim() !== '') return { instance: value.trim() };
  return { instance: '', warning: `instance binding: ${name} is not set; keys bound to an instance are rejected` };
}
