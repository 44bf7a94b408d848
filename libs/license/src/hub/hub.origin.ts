import type { LicenseEvaluation } from '../engine/license.evaluator.js';
import type { LicenseOrigin, LicenseOriginContext, LicenseOriginFactory } from '../engine/license.origin.js';
import type { LicenseState } from '../interfaces/license-state.interface.js';
import type { LicenseStateSource } from '../interfaces/license-state-source.interface.js';

/** A satellite's origin: snapshots come from its hub (a `LicenseStateSource`), never a local key. */
export class HubOrigin implements LicenseOrigin {
  readonly retrying = false;

  constructor(
    private readonly source: LicenseStateSource,
    private readonly context: LicenseOriginContext,
  ) {}

  async evaluate(): Promise<LicenseEvaluation> {
    return sourced(await this.source.refresh(this.context.enforcement()));
  }

  start(changed: (next: () => LicenseEvaluation) => void): void {
    this.source.start(() => changed(() => sourced(this.source.current(this.context.enforcement()))));
  }

  applied(): void {}

  now(): Date {
    return this.source.now?.() ?? this.context.evaluator.trustedNow(new Date());
  }

  stop(): void {
    this.source.stop();
  }
}

export const hubOrigin =
  (source: LicenseStateSource): LicenseOriginFactory =>
  (context) =>
    new HubOrigin(source, context);

/** A source's snapshot; its customer and expiry stand for "the key" whose warnings were announced. */
function sourced(state: LicenseState): LicenseEvaluation {
  return { state, key: state.claims ? `${state.claims.customer}\n${state.claims.exp}` : '' };
}
