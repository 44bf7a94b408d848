import { randomUUID } from 'node:crypto';

/**
 * An in-memory environment that tests can change while the app runs (what the module reads its
 * key variable from). Satisfies the module's `EnvironmentReader` (and `ConfigService.get`'s shape).
 */
export class MutableEnvironment {
  private readonly values = new Map<string, string>();

  constructor(initial: Record<string, string | undefined> = {}) {
    for (const [name, value] of Object.entries(initial)) if (value !== undefined) this.values.set(name, value);
  }

  get<T = string>(name: string): T | undefined {
    return this.values.get(name) as T | undefined;
  }

  set(name: string, value: string | undefined): void {
    if (value === undefined) this.values.delete(name);
    else this.values.set(name, value);
  }
}

/** A process.env variable name no other test uses (tests run in parallel workers). */
export function uniqueVariable(prefix = 'LL_TEST'): string {
  return `${prefix}_${randomUUID().replaceAll('-', '_').toUpperCase()}`;
}
