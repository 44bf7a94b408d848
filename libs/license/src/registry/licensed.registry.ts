import type { OnModuleDestroy } from '@nestjs/common';
import { BehaviorSubject, filter, type Observable, type Subscription } from 'rxjs';
import type { FeatureNamespace } from '../license.constants.js';
import { claimedIds } from '../state/license-feature.util.js';
import type { LicenseService } from '../license.service.js';

/** An item a registry can hide: connectors, packaged apps, AI tools. */
export interface LicensedItem {
  readonly id: string;
  /** Whether the item needs `<namespace>:<id>` in the license. Open items are always visible. */
  readonly licensed: boolean;
}

/** A licensed id named by the key, and whether the install defines it (the License tab's red dot). */
export interface LicensedIdReport {
  readonly id: string;
  readonly defined: boolean;
}

/**
 * The base of connector, app and AI-tool registries. `visible()` lists what may be shown now;
 * the list is recomputed on every `license.changed` event (and on register/unregister), never
 * per call, and pushed to `visible$`.
 *
 * ```ts
 * @Injectable()
 * class ConnectorRegistry extends LicensedRegistry<Connector> {
 *   constructor(license: LicenseService) { super(license, 'connector'); }
 * }
 * ```
 */
export abstract class LicensedRegistry<T extends LicensedItem> implements OnModuleDestroy {
  private readonly items = new Map<string, T>();
  /** `featureOf(id)` of every registered id, built once: `recompute()` runs on every change. */
  private readonly features = new Map<string, string>();
  private readonly visibleItems = new BehaviorSubject<readonly T[]>([]);
  private readonly subscription: Subscription;

  protected constructor(
    protected readonly license: LicenseService,
    readonly namespace: FeatureNamespace,
  ) {
    this.subscription = license.events$
      .pipe(filter((event) => event.type === 'license.changed'))
      .subscribe(() => this.recompute());
  }

  /** Adds or replaces an item (by id). */
  register(item: T): this {
    this.items.set(item.id, item);
    this.features.set(item.id, this.featureOf(item.id));
    this.recompute();
    return this;
  }

  unregister(id: string): boolean {
    const removed = this.items.delete(id);
    this.features.delete(id);
    if (removed) this.recompute();
    return removed;
  }

  get(id: string): T | undefined {
    return this.items.get(id);
  }

  /** Every registered item, usable or not (a settings page shows them all). */
  all(): readonly T[] {
    return [...this.items.values()];
  }

  /** What may be shown and used now. */
  visible(): readonly T[] {
    return this.visibleItems.value;
  }

  /** `visible()` now and after every recomputation. */
  get visible$(): Observable<readonly T[]> {
    return this.visibleItems.asObservable();
  }

  /** The feature string of an item: `connector:sap`. */
  featureOf(id: string): string {
    return `${this.namespace}:${id}`;
  }

  /** Whether an item is usable now: open, licensed by the key, or enforcement is soft. */
  isUsable(item: T): boolean {
    return !item.licensed || this.license.isUsable(this.features.get(item.id) ?? this.featureOf(item.id));
  }

  /** The ids of this namespace the key licenses, each with whether the install defines it. */
  licensedIds(): readonly LicensedIdReport[] {
    return claimedIds(this.license.state.claims, this.namespace).map((id) => ({ id, defined: this.items.has(id) }));
  }

  /** Recomputes `visible()`; called on `license.changed`. Subclasses may extend it. */
  protected recompute(): void {
    const visible: T[] = [];
    for (const item of this.items.values()) if (this.isUsable(item)) visible.push(item);
    this.visibleItems.next(Object.freeze(visible));
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
    this.visibleItems.complete();
  }
}
