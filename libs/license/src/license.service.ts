import { createHash } from 'node:crypto';
import { unwatchFile, watchFile } from 'node:fs';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { BehaviorSubject, Subject, distinctUntilChanged, map, type Observable } from 'rxjs';
import { LICENSE_LOGGER_CONTEXT } from './license.constants.js';
import type { LicenseEvent } from './license-events.js';
import { crossedThreshold, daysLeft, expiryTransition, graceWarning, nextCheckDelay } from './license-expiry.js';
import type { EnvironmentReader } from './key-stores/environment-key-store.js';
import { LICENSE_KEY_STORE, LicenseActivationError, type LicenseKeyStore } from './key-stores/license-key-store.js';
import { LicenseKeySource } from './key-stores/license-key-source.js';
import { logActivationRefused, logKeyStoreChange, logLicenseState } from './license-state-log.js';
import { resolveInstance } from './license-instance.js';
import type { LicenseEnforcement, LicenseModuleOptions, ResolvedLicenseOptions } from './license-options.interface.js';
import { resolveLicenseOptions } from './license-options.js';
import { featureDelta, stateFromVerification, stateInGrace, type LicenseState } from './license-state.js';
import type { LicenseStateSource } from './license-state-source.js';
import { LICENSE_ENVIRONMENT, LICENSE_RESOLVED_OPTIONS } from './license.internal-constants.js';
import { RevocationListSource } from './revocation/revocation-list-source.js';
import { verifyLicenseToken, type LicenseVerification } from './verification/license-verifier.js';
import { publicKeySet, readPublicKeyPems, type PublicKeyOutcome } from './verification/public-keys.js';
import { isoSeconds, RejectionReason } from './verification/rejection-reasons.js';

/**
 * A state-changing call that finished (`reverify`, `reconfigure`, and the key store's `activate` /
 * `deactivate`), for listeners that propagate it, such as `RedisLicenseBus`. `origin` is the
 * caller's tag (default `local`): a bus re-verifying on another replica's behalf tags its own
 * calls so that it does not announce them again.
 */
export interface LicenseOperation {
  readonly type: 'reverify' | 'reconfigure' | 'activate' | 'deactivate';
  readonly origin: string;
  readonly state: LicenseState;
}

/** Options of `reverify()`. */
export interface ReverifyOptions {
  /** Tag carried by the `operations$` entry (default `local`). */
  readonly origin?: string;
}

/** Settings that may change while the app runs (the sample app's settings page uses this). */
export type LicenseRuntimeSettings = Partial<
  Pick<LicenseModuleOptions, 'licenseKey' | 'publicKey' | 'publicKeyPath' | 'enforcement'>
>;

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
  private timer?: NodeJS.Timeout;
  private scheduling = false;
  private watchedFile?: string;
  /** Fingerprint of the verified key and the thresholds (and grace) already announced for it. */
  private announced = { key: '', days: new Set<number>(), grace: false };
  private latestClock = 0;
  /** The key last accepted (fingerprint) and the latest instant it was accepted at. */
  private lastAccepted?: { key: string; at: number };
  private currentKey = '';
  /**
   * The parsed public keys and the PEM text they came from. The PEMs are read on every
   * verification; they are parsed again only when they changed, so jose's CryptoKey (cached per
   * KeyObject) is reused too.
   */
  private parsedKeys?: { pems: string; outcome: PublicKeyOutcome };
  /** The vendor's revocation list (`revocationListPath`): last good list, re-read and watched. */
  private readonly revocations = new RevocationListSource(() => void this.reverify());
  /** Where the key comes from: the host's store, or the environment variable `licenseKey` names. */
  private readonly keys: LicenseKeySource;

  constructor(
    @Inject(LICENSE_RESOLVED_OPTIONS) private options: ResolvedLicenseOptions,
    @Inject(LICENSE_ENVIRONMENT) private readonly env: EnvironmentReader,
    @Optional() @Inject(LICENSE_KEY_STORE) customKeyStore?: LicenseKeyStore | null,
    /** Set for a satellite (`hub`): snapshots come from it instead of a local key. */
    private readonly source?: LicenseStateSource,
  ) {
    this.keys = new LicenseKeySource(env, customKeyStore, options.licenseKey, source !== undefined);
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

  /** Whether the current license grants `feature` (`connector:sap`). An in-memory lookup. */
  isLicensed(feature: string): boolean {
    return this.granted.has(feature);
  }

  /** Whether `feature` may be used now: granted, or `enforcement` is `soft`. */
  isUsable(feature: string): boolean {
    return this.granted.has(feature) || this.states.value.enforcement === 'soft';
  }

  /** `isLicensed(feature)` now and on every change (distinct values only). */
  watch(feature: string): Observable<boolean> {
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
    return this.announce('reverify', options.origin, this.serialised(() => this.verifyAndApply()));
  }

  /** Emits on `operations$` once `run` finished (not when it failed). */
  private async announce(type: LicenseOperation['type'], origin = 'local', run: Promise<LicenseState>): Promise<LicenseState> {
    const state = await run;
    this.operations.next({ type, origin, state });
    return state;
  }

  /** Whether `activate()` / `deactivate()` can work: the key store is writable. */
  get activationAvailable(): boolean {
    return this.keys.writable;
  }

  /**
   * Activation by paste (ai.doo): verifies `token` with the current public keys and options
   * FIRST; only an accepted key is stored, then applied (events fire as for `reverify()`).
   * A rejected candidate throws a `LicenseActivationError` carrying the exact reason, and nothing
   * changes (state, store, events). A read-only store throws `ReadOnlyKeyStoreError`.
   */
  activate(token: string): Promise<LicenseState> {
    return this.announce('activate', 'local', this.serialised(async () => {
      this.keys.assertWritable('write');
      const candidate = typeof token === 'string' ? token.trim() : token;
      const verification = await this.verify(candidate, new Date());
      if (verification.status !== 'accepted') {
        logActivationRefused(this.logger, verification.reason);
        throw new LicenseActivationError(verification.reason);
      }
      logKeyStoreChange(this.logger, 'activated', await this.keys.write(candidate));
      return this.verifyAndApply();
    }));
  }

  /** Removes the activated key from the store and re-verifies (`not-configured`). */
  deactivate(): Promise<LicenseState> {
    return this.announce('deactivate', 'local', this.serialised(async () => {
      logKeyStoreChange(this.logger, 'deactivated', await this.keys.clear());
      return this.verifyAndApply();
    }));
  }

  /**
   * Changes the key reference, public key or enforcement and re-verifies. Invalid settings throw
   * a `LicenseConfigurationError` and change nothing.
   */
  reconfigure(settings: LicenseRuntimeSettings): Promise<LicenseState> {
    return this.announce('reconfigure', 'local', this.serialised(() => {
      const { issuer, licenseKey, hub, ...rest } = this.options;
      const merged: LicenseModuleOptions = {
        ...rest,
        // A satellite keeps its hub; a key reference in `settings` then fails as for forRoot().
        ...(hub ? { hub } : { licenseKey }),
        ...(issuer ? { issuer: [...issuer] } : {}),
        expiryWarningDays: [...this.options.expiryWarningDays],
        ...settings,
      };
      if (settings.publicKeyPath === '') delete merged.publicKeyPath;
      this.options = resolveLicenseOptions(merged);
      this.keys.use(this.options.licenseKey);
      return this.verifyAndApply();
    }));
  }

  /** Expiry warnings and the expiry timer run from bootstrap to shutdown. */
  onApplicationBootstrap(): void {
    this.scheduling = true;
    this.tick();
    this.source?.start(() => {
      const run = this.queue.then(() => this.apply(this.sourced(this.source!.current(this.options.enforcement))));
      this.queue = run.catch(() => undefined);
    });
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
    this.scheduling = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.watchFile(undefined);
    this.revocations.stop();
    this.source?.stop();
  }

  /** One (re)verification, activation or reconfiguration at a time, in call order. */
  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async verifyAndApply(): Promise<LicenseState> {
    const next = this.source
      ? this.sourced(await this.source.refresh(this.options.enforcement))
      : await this.evaluate(new Date());
    this.apply(next);
    return next;
  }

  /** A source's snapshot; its customer and expiry stand for "the key" whose warnings were announced. */
  private sourced(state: LicenseState): LicenseState {
    this.currentKey = state.claims ? `${state.claims.customer}\n${state.claims.exp}` : '';
    return state;
  }

  /** Reads, verifies and builds the next snapshot. Never throws. */
  private async evaluate(now: Date): Promise<LicenseState> {
    const { enforcement } = this.options;
    const warnings = this.clockWarnings(now);
    const read = await this.keys.read();
    this.watchFile(this.options.keyFilePollIntervalMs > 0 ? this.keys.watchPath() : undefined);
    this.revocations.watch(this.options.revocationListPath, this.options.keyFilePollIntervalMs);
    if (read.kind === 'unset') {
      this.currentKey = '';
      return stateFromVerification(undefined, { enforcement, now, warnings });
    }
    if (read.kind === 'unreadable') {
      this.currentKey = '';
      this.logger.warn(`license key unavailable — ${read.why}`);
      return stateFromVerification(undefined, {
        enforcement, now, source: read.source, warnings: [...warnings, read.why],
      });
    }
    this.currentKey = fingerprint(read.token);
    const verification = await this.verify(read.token, now, warnings);
    return stateFromVerification(this.keepThroughRollback(verification, now, warnings), {
      enforcement, now, source: read.source, warnings,
    });
  }

  /**
   * A clock set back must warn, never lock out: a key this service already accepted at a later
   * instant stays accepted when the only objection is that it is "not yet valid" now. Any other
   * outcome (a new key, another reason) stands. Records accepted keys for the next call.
   */
  private keepThroughRollback(verification: LicenseVerification, now: Date, warnings: string[]): LicenseVerification {
    const accepted = this.lastAccepted;
    if (verification.status === 'accepted') {
      if (accepted?.key !== this.currentKey || accepted.at < now.getTime()) {
        this.lastAccepted = { key: this.currentKey, at: now.getTime() };
      }
      return verification;
    }
    const claims = verification.claims;
    const sameKeyAcceptedLater = accepted?.key === this.currentKey && accepted.at > now.getTime();
    if (!claims || !sameKeyAcceptedLater || !verification.reason.startsWith('not yet valid (')) return verification;
    const message =
      `wall clock is before the key's start (${verification.reason}); ` +
      `keeping its verification of ${isoSeconds(new Date(accepted.at))}`;
    this.logger.warn(message);
    warnings.push(message);
    return { status: 'accepted', claims };
  }

  /**
   * Verifies a key with the current public keys and options (instance binding and the revocation
   * list included). Never throws. Binding and revocation-list warnings are logged and added to
   * `warnings` when given.
   */
  private async verify(token: unknown, now: Date, warnings?: string[]): Promise<LicenseVerification> {
    const binding = resolveInstance(this.options.instance, this.env);
    if (binding.warning && warnings) {
      this.logger.warn(binding.warning);
      warnings.push(binding.warning);
    }
    const keys = await this.publicKeys();
    if (!keys.ok) return { status: 'rejected', reason: RejectionReason.publicKeyUnavailable(keys.why) };
    const revocation = await this.revocations.refresh(this.options.revocationListPath, {
      keys: keys.keys,
      issuer: this.options.issuer,
      clockToleranceSeconds: this.options.clockToleranceSeconds,
      now,
    });
    if (revocation.warning && warnings) {
      this.logger.warn(revocation.warning);
      warnings.push(revocation.warning);
    }
    return verifyLicenseToken(token, {
      keys: keys.keys,
      audience: this.options.audience,
      issuer: this.options.issuer,
      clockToleranceSeconds: this.options.clockToleranceSeconds,
      instance: binding.instance,
      graceSeconds: this.options.graceDays * 86_400,
      revoked: revocation.revoked,
      now,
    });
  }

  private async publicKeys(): Promise<PublicKeyOutcome> {
    const read = await readPublicKeyPems(this.options);
    if (!read.ok) return read;
    const pems = JSON.stringify(read.entries);
    if (this.parsedKeys?.pems !== pems) this.parsedKeys = { pems, outcome: publicKeySet(read.entries) };
    return this.parsedKeys.outcome;
  }

  /** A wall clock moved back behind the latest verification is reported, never a lockout. */
  private clockWarnings(now: Date): string[] {
    const toleranceMs = this.options.clockToleranceSeconds * 1000;
    const behind = this.latestClock - now.getTime();
    // Reported once per jump: the high-water mark follows the clock back.
    this.latestClock = behind > toleranceMs ? now.getTime() : Math.max(this.latestClock, now.getTime());
    if (behind <= toleranceMs) return [];
    const message = `wall clock moved back ${Math.round(behind / 1000)} s behind the last verification`;
    this.logger.warn(message);
    return [message];
  }

  private apply(next: LicenseState, expired?: { expiresAt: Date; graceEndedAt?: Date }): void {
    const previous = this.states.value;
    this.granted = next.entitlements.features; // empty unless accepted
    this.states.next(next);
    logLicenseState(this.logger, next);
    if (this.announced.key !== this.currentKey) this.announced = { key: this.currentKey, days: new Set(), grace: false };
    if (changed(previous, next)) {
      this.events.next({ type: 'license.changed', previous, current: next, ...featureDelta(previous, next) });
    }
    if (expired) this.events.next({ type: 'license.expired', previous, current: next, ...expired });
    // Before bootstrap nobody listens yet: onApplicationBootstrap() announces and arms the timer.
    if (this.scheduling) this.tick();
  }

  private announceExpiry(state: LicenseState, now: Date): void {
    const threshold = crossedThreshold(state, this.options.expiryWarningDays, this.announced.days, now);
    if (threshold === undefined || !state.expiresAt) return;
    for (const days of this.options.expiryWarningDays) if (days >= threshold) this.announced.days.add(days);
    const left = daysLeft(state.expiresAt, now);
    this.logger.warn(`license expires in ${left} day${left === 1 ? '' : 's'} — ${isoSeconds(state.expiresAt)}`);
    this.events.next({ type: 'license.expiring', current: state, daysLeft: left, thresholdDays: threshold, expiresAt: state.expiresAt });
  }

  /** `license.grace`, once per key: at `exp` while running, or at startup inside the grace period. */
  private announceGrace(state: LicenseState): void {
    if (!state.grace || !state.expiresAt || this.announced.grace) return;
    this.announced.grace = true;
    this.events.next({ type: 'license.grace', current: state, expiresAt: state.expiresAt, graceEndsAt: state.grace.endsAt });
  }

  /** Arms one unref'd timer for the next threshold or `exp`; nothing keeps the process alive. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.scheduling) return;
    const delay = nextCheckDelay(this.state, this.options.expiryWarningDays, this.announced.days, new Date());
    if (delay === undefined) return;
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref();
  }

  /** Announces a crossed threshold, or expires the key at `exp`; then arms the next timer. */
  private tick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = new Date();
    const warnings = this.clockWarnings(now);
    if (warnings.length > 0) {
      this.states.next(Object.freeze({ ...this.state, warnings: Object.freeze([...this.state.warnings, ...warnings]) }));
    }
    const state = this.state;
    const transition = expiryTransition(state, this.options.graceDays, now);
    if (transition?.kind === 'grace') {
      this.apply(stateInGrace(state, transition.endsAt)); // apply() ticks again: that announces it
      return;
    }
    if (transition?.kind === 'expire') {
      const expiresAt = state.expiresAt!;
      const grace = graceWarning(expiresAt, transition.graceEndedAt ?? expiresAt);
      const expired = stateFromVerification(
        { status: 'rejected', reason: RejectionReason.expired(expiresAt), claims: state.claims! },
        { enforcement: state.enforcement, now, source: state.source, warnings: state.warnings.filter((w) => w !== grace) },
      );
      this.apply(expired, { expiresAt, ...(transition.graceEndedAt ? { graceEndedAt: transition.graceEndedAt } : {}) });
      return;
    }
    this.announceGrace(state);
    this.announceExpiry(state, now);
    this.schedule();
  }

  /** Polls a `NAME_FILE` secret for changes (stat only, unref'd) so a rotated secret is picked up. */
  private watchFile(path: string | undefined): void {
    if (path === this.watchedFile) return;
    if (this.watchedFile) unwatchFile(this.watchedFile, this.onKeyFileChange);
    this.watchedFile = path;
    if (path) {
      watchFile(path, { interval: this.options.keyFilePollIntervalMs, persistent: false }, this.onKeyFileChange);
    }
  }

  private readonly onKeyFileChange = (): void => {
    void this.reverify();
  };
}

function changed(previous: LicenseState, next: LicenseState): boolean {
  if (previous.status !== next.status || previous.reason !== next.reason) return true;
  if (previous.enforcement !== next.enforcement) return true;
  if (previous.claims?.exp !== next.claims?.exp || previous.claims?.customer !== next.claims?.customer) return true;
  const a = previous.entitlements;
  const b = next.entitlements;
  if (a.features.size !== b.features.size || [...a.features].some((f) => !b.features.has(f))) return true;
  return a.maxUsers !== b.maxUsers || a.aiMessagesPerDay !== b.aiMessagesPerDay;
}

function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
