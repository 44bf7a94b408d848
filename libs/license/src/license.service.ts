import type { LicenseFeature } from './interfaces/license-feature.interface.js';
import { createHash } from 'node:crypto';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { BehaviorSubject, Subject, distinctUntilChanged, map, type Observable } from 'rxjs';
import { LICENSE_LOGGER_CONTEXT } from './license.constants.js';
import type { LicenseEvent } from './interfaces/license-events.interface.js';
import { LicenseEvaluator, type LicenseEvaluation } from './engine/license.evaluator.js';
import { LicenseExpiryClock, type LicenseExpiry, type LicenseExpiryDue } from './engine/license-expiry.clock.js';
import type { EnvironmentReader } from './key-stores/environment-key.store.js';
import type { LicenseOrigin, LicenseOriginFactory } from './engine/license.origin.js';
import { normalisePastedKey } from './verification/pasted-key.util.js';
import { LicenseActivationError } from './key-stores/license-key.store.js';
import type { LicenseKeySource } from './key-stores/license-key.source.js';
import { logActivationRefused, logKeyStoreChange, logLicenseState } from './engine/license-state.log.js';
import type {
  LicenseEnforcement,
  LicenseRuntimeSettings,
  ResolvedLicenseOptions,
} from './interfaces/license-options.interface.js';
import { reconfiguredOptions } from './options/license-options.resolver.js';
import { featureDelta, stateChanged, stateFromVerification } from './state/license-state.util.js';
import type { LicenseState } from './interfaces/license-state.interface.js';

/**
 * A state-changing call that finished (`reverify`, `reconfigure`, and the key store's `activate` /
 * `deactivate`), for listeners that propagate it, such as `RedisLicenseBus`. `origin` is the
 * caller's tag (default `local`): a bus re-verifying on another replica's behalf tags its own
 * calls so that it does not announce them again. A re-verify caused by a watched file (the key
 * file or the revocation list changed) has origin `LICENSE_FILE_ORIGIN`: every replica watches its
 * own files, so propagating it would only multiply the re-verifications.
 */
export const LICENSE_FILE_ORIGIN = 'liberty.file-watch';

export interface LicenseOperation {
  readonly type: 'reverify' | 'reconfigure' | 'activate' | 'deactivate';
  readonly origin: string;
  readonly state: LicenseState;
}

/**
 * `origin` of a `reconfigure()` / `reverify()` that applies what every replica already shares (e.g.
 * settings read from the shared database): a bus does not announce it again.
 */
export const LICENSE_SHARED_ORIGIN = 'liberty.shared';

/** Options of `reverify()`. */
export interface ReverifyOptions {
  /** Tag carried by the `operations$` entry (default `local`). */
  readonly origin?: string;
}

export type { LicenseRuntimeSettings } from './interfaces/license-options.interface.js';

/**
 * The license, verified once at startup and on `reverify()`, never per request. `isLicensed()`
 * and the guard read an in-memory set.
 */
@Injectable()
export class LicenseService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger(LICENSE_LOGGER_CONTEXT);
  private readonly states: BehaviorSubject<LicenseState>;
  private readonly events = new Subject<LicenseEvent>();
  private readonly operations = new Subject<LicenseOperation>();
  /** `state.entitlements.features`, kept in a field of its own: `isLicensed()` is the hot path. */
  private granted: ReadonlySet<string>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Identity of the key in use (a hash; for a satellite its customer and expiry), `''` without one. */
  private currentKey = '';
  /** Verifies keys: a candidate for `activate()`, and the local key for `LocalKeyOrigin`. */
  private readonly evaluator: LicenseEvaluator;
  /** Where snapshots come from: a local key or a hub (chosen by the module, see `LicenseOrigin`). */
  private readonly origin: LicenseOrigin;
  /** Expiry warnings, grace and expiry while the app runs. */
  private readonly clock: LicenseExpiryClock;

  /** Built by `LicenseModule`'s factory (not by the injector). */
  constructor(
    private options: ResolvedLicenseOptions,
    env: EnvironmentReader,
    /** Where the key is read and written: the host's store, or the variable `licenseKey` names. */
    private readonly keys: LicenseKeySource,
    createOrigin: LicenseOriginFactory,
  ) {
    this.evaluator = new LicenseEvaluator(
      () => this.options,
      env,
      this.keys,
      () => void this.reverify({ origin: LICENSE_FILE_ORIGIN }),
    );
    this.origin = createOrigin({
      evaluator: this.evaluator,
      logger: this.logger,
      enforcement: () => this.options.enforcement,
      // A retry is this replica's own business: serialised like any verification, never announced.
      retry: () => void this.serialised(() => this.verifyAndApply()).catch(() => undefined),
    });
    this.clock = new LicenseExpiryClock(
      () => ({
        now: this.origin.now(),
        clockWarnings: this.evaluator.clockWarnings(new Date()),
        state: this.states.value,
        expiryWarningDays: this.options.expiryWarningDays,
        graceDays: this.options.graceDays,
      }),
      (due) => this.expiryDue(due),
    );
    const initial = stateFromVerification(undefined, { enforcement: options.enforcement, now: new Date() });
    this.states = new BehaviorSubject(initial);
    this.granted = initial.entitlements.features;
  }

  /** The current snapshot. */
  get state(): LicenseState {
    return this.states.value;
  }

  /**
   * The enforcement of the current snapshot. Read from the snapshot, not from the options: a
   * `reconfigure()` in flight has new options but not yet a new snapshot, and the guard must never
   * combine one state's entitlements with another's enforcement.
   */
  get enforcement(): LicenseEnforcement {
    return this.states.value.enforcement;
  }

  /** Snapshots, the current one first. */
  get state$(): Observable<LicenseState> {
    return this.states.asObservable();
  }

  /** `license.changed`, `license.expiring`, `license.grace`, `license.expired`. */
  get events$(): Observable<LicenseEvent> {
    return this.events.asObservable();
  }

  /** State-changing calls as they finish (see `LicenseOperation`). Not replayed. */
  get operations$(): Observable<LicenseOperation> {
    return this.operations.asObservable();
  }

  /**
   * A short, non-reversible fingerprint of the key in use (16 hex digits of a SHA-256), or `''`
   * with no key: lets replicas compare keys without ever showing one.
   */
  get keyFingerprint(): string {
    return this.currentKey ? createHash('sha256').update(this.currentKey).digest('hex').slice(0, 16) : '';
  }

  /**
   * A fingerprint of the settings `reconfigure()` changes (key reference, public key, enforcement;
   * 16 hex digits of a SHA-256): replicas that should run the same settings can be compared
   * without showing them.
   */
  get settingsFingerprint(): string {
    const { licenseKey, publicKeyPath, publicKey, enforcement } = this.options;
    const identity = JSON.stringify([
      licenseKey ?? null,
      publicKeyPath ?? null,
      publicKey ?? null,
      enforcement ?? null,
    ]);
    return createHash('sha256').update(identity).digest('hex').slice(0, 16);
  }

  /** Whether the current license grants `feature` (`connector:sap`). An in-memory lookup. */
  isLicensed(feature: LicenseFeature): boolean {
    return this.granted.has(feature);
  }

  /** Whether `feature` may be used now: granted, or `enforcement` is `soft`. */
  isUsable(feature: string): boolean {
    return this.granted.has(feature) || this.states.value.enforcement === 'soft';
  }

  /** `isLicensed(feature)` now and on every change (distinct values only). */
  watch(feature: LicenseFeature): Observable<boolean> {
    return this.states.pipe(
      map((state) => state.entitlements.features.has(feature)),
      distinctUntilChanged(),
    );
  }

  /**
   * Re-reads the variable (or its `_FILE`) and the public key, verifies again and returns the new
   * snapshot; a satellite asks its hub now. Calls are serialised; nothing restarts.
   */
  reverify(options: ReverifyOptions = {}): Promise<LicenseState> {
    return this.announce(
      'reverify',
      options.origin,
      this.serialised(() => this.verifyAndApply()),
    );
  }

  /**
   * Asks now: a satellite asks its hub at once (whatever its backoff was waiting for); with a
   * local key it is `reverify()`. ai.doo's satellites expose it as `POST /api/license/refresh`.
   */
  refresh(options: ReverifyOptions = {}): Promise<LicenseState> {
    return this.reverify(options);
  }

  /** Emits on `operations$` once `run` finished (not when it failed). */
  private async announce(
    type: LicenseOperation['type'],
    origin = 'local',
    run: Promise<LicenseState>,
  ): Promise<LicenseState> {
    const state = await run;
    this.operations.next({ type, origin, state });
    return state;
  }

  /** Whether `activate()` / `deactivate()` can work: the key store is writable. */
  get activationAvailable(): boolean {
    return this.keys.writable;
  }

  /**
   * Activation by paste (ai.doo): `token` as pasted (whitespace and line breaks inside it,
   * surrounding quotes and a `Bearer ` prefix are removed first), verified with the current public keys and options
   * FIRST; only an accepted key is stored, then applied (events fire as for `reverify()`).
   * A rejected candidate throws a `LicenseActivationError` carrying the exact reason, and nothing
   * changes (state, store, events). A read-only store throws `ReadOnlyKeyStoreError`.
   */
  activate(token: string): Promise<LicenseState> {
    return this.announce(
      'activate',
      'local',
      this.serialised(async () => {
        this.keys.assertWritable('write');
        // A paste is forgiving (line breaks, quotes, `Bearer `); the verifier after it is not.
        const candidate = normalisePastedKey(token); // a non-string is `malformed` below
        const verification = await this.evaluator.verify(candidate, new Date());
        if (verification.status !== 'accepted') {
          logActivationRefused(this.logger, verification.reason);
          throw new LicenseActivationError(verification.reason);
        }
        logKeyStoreChange(this.logger, 'activated', await this.keys.write(candidate));
        return this.verifyAndApply();
      }),
    );
  }

  /** Removes the activated key from the store and re-verifies (`not-configured`). */
  deactivate(): Promise<LicenseState> {
    return this.announce(
      'deactivate',
      'local',
      this.serialised(async () => {
        logKeyStoreChange(this.logger, 'deactivated', await this.keys.clear());
        return this.verifyAndApply();
      }),
    );
  }

  /**
   * Changes the key reference, public key or enforcement and re-verifies. Invalid settings throw
   * a `LicenseConfigurationError` and change nothing.
   */
  reconfigure(settings: LicenseRuntimeSettings, options: ReverifyOptions = {}): Promise<LicenseState> {
    return this.announce(
      'reconfigure',
      options.origin,
      this.serialised(() => {
        this.options = reconfiguredOptions(this.options, settings);
        this.keys.use(this.options.licenseKey);
        return this.verifyAndApply();
      }),
    );
  }

  /** Expiry warnings and the expiry timer run from bootstrap to shutdown. */
  onApplicationBootstrap(): void {
    this.clock.start();
    this.origin.start((next) => void this.serialised(() => this.use(next())));
  }

  beforeApplicationShutdown(): void {
    this.stop();
  }

  onModuleDestroy(): void {
    this.stop();
    this.events.complete();
    this.operations.complete();
    this.states.complete();
  }

  private stop(): void {
    this.clock.stop();
    this.origin.stop();
    this.evaluator.stop();
  }

  /** One (re)verification, activation or reconfiguration at a time, in call order. */
  private serialised<T>(work: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async verifyAndApply(): Promise<LicenseState> {
    const next = await this.origin.evaluate();
    this.use(next);
    this.origin.applied(next);
    return next.state;
  }

  private use({ state, key, unreadable }: LicenseEvaluation): void {
    this.currentKey = key;
    // While the store cannot be read the same state comes back on every retry: the retry logs once.
    const quiet = unreadable !== undefined && this.origin.retrying && !stateChanged(this.states.value, state);
    this.apply(state, undefined, quiet);
  }

  /** What the expiry clock found due: a clock warning is published as it is, the rest applied or emitted. */
  private expiryDue(due: LicenseExpiryDue): void {
    if (due.kind === 'clock-warning') this.states.next(due.state);
    else if (due.kind === 'announce') this.events.next(due.event);
    else this.apply(due.state, due.kind === 'expired' ? due.expiry : undefined);
  }

  /** Publishes a snapshot: the hot-path set, the log line, the events; then the clock looks again. */
  private apply(next: LicenseState, expired?: LicenseExpiry, quiet = false): void {
    const previous = this.states.value;
    this.granted = next.entitlements.features; // empty unless accepted
    this.states.next(next);
    if (!quiet) logLicenseState(this.logger, next);
    if (stateChanged(previous, next)) {
      this.events.next({ type: 'license.changed', previous, current: next, ...featureDelta(previous, next) });
    }
    // The clock marks exp on time; a verification that gets there first (a satellite's refresh, a
    // re-verify) finds the same moment, and it is announced the same way.
    const expiry = expired ?? expiryFoundByVerification(previous, next);
    if (expiry) this.events.next({ type: 'license.expired', previous, current: next, ...expiry });
    this.clock.applied(this.currentKey);
  }
}

/** An accepted license that a verification now rejects as expired: `exp` passed while running. */
function expiryFoundByVerification(previous: LicenseState, next: LicenseState): LicenseExpiry | undefined {
  if (previous.status !== 'accepted' || next.status !== 'rejected' || !next.reason?.startsWith('expired ('))
    return undefined;
  return previous.expiresAt ? { expiresAt: previous.expiresAt } : undefined;
}
