import type { Logger } from '@nestjs/common';
import type { LicenseEnforcement } from '../interfaces/license-options.interface.js';
import { KeyStoreRetry } from '../key-stores/key-store.retry.js';
import type { LicenseEvaluation, LicenseEvaluator } from './license.evaluator.js';

/**
 * Where `LicenseService` gets its snapshots: a local key it verifies (`LocalKeyOrigin`) or a hub
 * (`HubOrigin`, a satellite). The module picks one; the service never asks which it has.
 */
export interface LicenseOrigin {
  /** Reads and verifies now: the key from its store, or the hub's answer. */
  evaluate(): Promise<LicenseEvaluation>;
  /**
   * Background work from bootstrap. `changed(next)` is called when the origin learnt something by
   * itself (a hub refresh); `next()` reads that snapshot when the service gets to it, in order.
   */
  start(changed: (next: () => LicenseEvaluation) => void): void;
  /** Called after each evaluation was applied (a local store's retry looks at it). */
  applied(evaluation: LicenseEvaluation): void;
  /** Whether an unreadable key store is being retried: the same state is then not logged again. */
  readonly retrying: boolean;
  /** The clock expiry is judged by (a hub's clock, from its `Date` header; else the local one). */
  now(): Date;
  /** Shutdown. Idempotent. */
  stop(): void;
}

/** What an origin gets from the service that owns it. */
export interface LicenseOriginContext {
  readonly evaluator: LicenseEvaluator;
  readonly logger: Logger;
  /** The current enforcement (`reconfigure()` may change it). */
  enforcement(): LicenseEnforcement;
  /** Verifies and applies again, serialised with the other verifications and never announced. */
  retry(): void;
}

/** Builds the origin once the service exists (the module decides which kind). */
export type LicenseOriginFactory = (context: LicenseOriginContext) => LicenseOrigin;

/** A key verified here: read from its store, retried with backoff while the store cannot be read. */
export class LocalKeyOrigin implements LicenseOrigin {
  /** Re-reads a key store that could not be read, with backoff, until it answers. */
  private readonly storeRetry: KeyStoreRetry;

  constructor(private readonly context: LicenseOriginContext) {
    this.storeRetry = new KeyStoreRetry(context.logger, () => context.retry());
  }

  evaluate(): Promise<LicenseEvaluation> {
    return this.context.evaluator.evaluate(new Date());
  }

  start(): void {}

  applied(evaluation: LicenseEvaluation): void {
    this.storeRetry.observe(evaluation.unreadable, evaluation.state);
  }

  get retrying(): boolean {
    return this.storeRetry.failing;
  }

  now(): Date {
    return this.context.evaluator.trustedNow(new Date());
  }

  stop(): void {
    this.storeRetry.stop();
  }
}

export const localKeyOrigin: LicenseOriginFactory = (context) => new LocalKeyOrigin(context);
