import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { PolledFile } from '../files/polled-file.watcher.js';
import type { EnvironmentReader } from '../key-stores/environment-key.store.js';
import type { LicenseKeySource } from '../key-stores/license-key.source.js';
import { LICENSE_LOGGER_CONTEXT } from '../license.constants.js';
import { resolveInstance } from '../options/license-instance.resolver.js';
import type { ResolvedLicenseOptions } from '../interfaces/license-options.interface.js';
import { stateFromVerification } from '../state/license-state.util.js';
import type { LicenseState } from '../interfaces/license-state.interface.js';
import { RevocationListSource } from '../revocation/revocation-list.source.js';
import { verifyLicenseToken, type LicenseVerification } from '../verification/license.verifier.js';
import { publicKeySet, readPublicKeyPems, type PublicKeyOutcome } from '../verification/public-keys.loader.js';
import { isoSeconds, printable, RejectionReason } from '../verification/rejection-reasons.util.js';

/** One evaluation: the next snapshot and the identity of the key it is about (`''` without one). */
export interface LicenseEvaluation {
  readonly state: LicenseState;
  /** Identifies the key (a SHA-256, never the key itself): announcements restart for a new key. */
  readonly key: string;
  /**
   * Set when the key store could not be read (why): the state is then the store's last answer
   * re-verified, with `why` among its warnings — an outage never changes the license.
   */
  readonly unreadable?: string;
}

/**
 * The evaluation pipeline of a local key: read it from its store, verify it with the public keys
 * (parsed again only when their PEM text changed), the instance binding and the revocation list,
 * keep an accepted key through a wall clock set back, and watch the key and revocation-list files.
 * Never throws. It builds snapshots only; `LicenseService` serialises calls, applies the snapshot
 * and fires the events. Its own class so that the service does not grow with every check.
 */
export class LicenseEvaluator {
  private readonly logger = new Logger(LICENSE_LOGGER_CONTEXT);
  /** The latest time the `clockStore` recorded before this process started (ms; 0: none). */
  private recordedTime = 0;
  private recordedTimeLoaded = false;
  private lastRecordedAt = -Infinity;
  /** The latest wall-clock instant seen (the high-water mark of `clockWarnings()`). */
  private latestClock = 0;
  /** The key last accepted (fingerprint) and the latest instant it was accepted at. */
  private lastAccepted?: { key: string; at: number };
  /**
   * The parsed public keys and the PEM text they came from. The PEMs are read on every
   * verification; they are parsed again only when they changed, so jose's CryptoKey (cached per
   * KeyObject) is reused too.
   */
  private parsedKeys?: { pems: string; outcome: PublicKeyOutcome };
  /** The vendor's revocation list (`revocationListPath`): last good list, re-read and watched. */
  private readonly revocations: RevocationListSource;
  /** A `NAME_FILE` secret, polled so that a rotated secret is picked up. */
  private readonly keyFile: PolledFile;

  /**
   * `options` is read on every call: `reconfigure()` replaces them. `onFileChange` runs when the
   * key file or the revocation list changed on disk (the service re-verifies).
   */
  constructor(
    private readonly options: () => ResolvedLicenseOptions,
    private readonly env: EnvironmentReader,
    private readonly keys: LicenseKeySource,
    onFileChange: () => void,
  ) {
    this.revocations = new RevocationListSource(onFileChange);
    this.keyFile = new PolledFile(onFileChange);
  }

  /** Reads, verifies and builds the next snapshot. Never throws. */
  async evaluate(now: Date): Promise<LicenseEvaluation> {
    const { enforcement, keyFilePollIntervalMs, revocationListPath } = this.options();
    await this.loadRecordedTime();
    const warnings = this.clockWarnings(now);
    const read = await this.keys.read();
    this.keyFile.watch(this.keys.watchPath(), keyFilePollIntervalMs);
    this.revocations.watch(revocationListPath, keyFilePollIntervalMs);
    if (read.kind === 'unset') {
      if (read.why) {
        warnings.push(read.why);
        this.logger.warn(read.why);
      } else {
        // Not an error (restricted mode is the normal unlicensed mode), but say which variable was read.
        const hint = this.keys.missingKeyHint();
        if (hint) this.logger.log(hint);
      }
      return { key: '', state: stateFromVerification(undefined, { enforcement, now, warnings }) };
    }
    if (read.kind === 'token') return this.evaluateToken(read.token, read.source, now, warnings);
    // The store could not be read: go on with its last answer (the service warns once and retries).
    warnings.push(read.why);
    const last = this.keys.lastAnswer;
    if (last?.kind === 'token')
      return { ...(await this.evaluateToken(last.token, last.source, now, warnings)), unreadable: read.why };
    const source = last ? undefined : read.source;
    return {
      key: '',
      unreadable: read.why,
      state: stateFromVerification(undefined, { enforcement, now, source, warnings }),
    };
  }

  private async evaluateToken(
    token: string,
    source: string,
    now: Date,
    warnings: string[],
  ): Promise<LicenseEvaluation> {
    const { enforcement } = this.options();
    const key = createHash('sha256').update(token).digest('base64url');
    // A wall clock behind the time recorded before a restart: judge the key at that time.
    const at = this.trustedNow(now);
    if (at !== now) {
      const message =
        `wall clock is ${Math.round((at.getTime() - now.getTime()) / 1000)} s behind the latest time this install recorded ` +
        `(${isoSeconds(at)}); keys are judged at that time`;
      this.logger.warn(message);
      warnings.push(message);
    }
    const verification = await this.verify(token, at, warnings);
    const state = stateFromVerification(this.keepThroughRollback(key, verification, at, warnings), {
      enforcement,
      now,
      source,
      warnings,
    });
    return { key, state };
  }

  /**
   * The time keys are judged at: `now`, or — while the wall clock is behind it by more than the
   * clock tolerance — the latest time the `clockStore` recorded before this process started.
   */
  trustedNow(now: Date): Date {
    const toleranceMs = this.options().clockToleranceSeconds * 1000;
    return now.getTime() < this.recordedTime - toleranceMs ? new Date(this.recordedTime) : now;
  }

  /** Reads the recorded time once (retried at the next verification when the store failed). */
  private async loadRecordedTime(): Promise<void> {
    const store = this.options().clockStore;
    if (!store || this.recordedTimeLoaded) return;
    try {
      const at = await store.read();
      this.recordedTime = Math.max(this.recordedTime, at && Number.isFinite(at.getTime()) ? at.getTime() : 0);
      this.recordedTimeLoaded = true;
    } catch (error) {
      this.logger.warn(
        `latest recorded time unavailable (${printable(error instanceof Error ? error.message : String(error), 200)})`,
      );
    }
  }

  /** Records the time seen (at most once a minute; never earlier than what was recorded). */
  private recordTime(now: Date): void {
    const store = this.options().clockStore;
    if (!store || !this.recordedTimeLoaded || Math.abs(now.getTime() - this.lastRecordedAt) < 60_000) return;
    this.lastRecordedAt = now.getTime();
    const at = new Date(Math.max(now.getTime(), this.recordedTime));
    void store.record(at).catch((error: unknown) => {
      this.logger.warn(
        `latest time not recorded (${printable(error instanceof Error ? error.message : String(error), 200)})`,
      );
    });
  }

  /**
   * Verifies a key with the current public keys and options (instance binding and the revocation
   * list included). Never throws. Binding and revocation-list warnings are logged and added to
   * `warnings` when given.
   */
  async verify(token: unknown, now: Date, warnings?: string[]): Promise<LicenseVerification> {
    const options = this.options();
    const binding = resolveInstance(options.instance, this.env);
    if (binding.warning && warnings) {
      this.logger.warn(binding.warning);
      warnings.push(binding.warning);
    }
    const keys = await this.publicKeys(options);
    if (!keys.ok) return { status: 'rejected', reason: RejectionReason.publicKeyUnavailable(keys.why) };
    const revocation = await this.revocations.refresh(options.revocationListPath, {
      keys: keys.keys,
      issuer: options.issuer,
      clockToleranceSeconds: options.clockToleranceSeconds,
      now,
    });
    if (revocation.warning && warnings) {
      this.logger.warn(revocation.warning);
      warnings.push(revocation.warning);
    }
    return verifyLicenseToken(token, {
      keys: keys.keys,
      audience: options.audience,
      issuer: options.issuer,
      clockToleranceSeconds: options.clockToleranceSeconds,
      instance: binding.instance,
      graceSeconds: options.graceDays * 86_400,
      revoked: revocation.revoked,
      now,
    });
  }

  /**
   * A wall clock moved back behind the latest verification (or timer tick) is reported, never a
   * lockout. The expiry clock asks too, so one high-water mark covers both.
   */
  clockWarnings(now: Date): string[] {
    this.recordTime(now);
    const toleranceMs = this.options().clockToleranceSeconds * 1000;
    const behind = this.latestClock - now.getTime();
    // Reported once per jump: the high-water mark follows the clock back.
    this.latestClock = behind > toleranceMs ? now.getTime() : Math.max(this.latestClock, now.getTime());
    if (behind <= toleranceMs) return [];
    const message = `wall clock moved back ${Math.round(behind / 1000)} s behind the last verification`;
    this.logger.warn(message);
    return [message];
  }

  /** Ends the file watches (shutdown). */
  stop(): void {
    this.keyFile.stop();
    this.revocations.stop();
  }

  /**
   * A clock set back must warn, never lock out: a key already accepted at a later instant stays
   * accepted when the only objection is that it is "not yet valid" now. Any other outcome (a new
   * key, another reason) stands. Records accepted keys for the next call.
   */
  private keepThroughRollback(
    key: string,
    verification: LicenseVerification,
    now: Date,
    warnings: string[],
  ): LicenseVerification {
    const accepted = this.lastAccepted;
    if (verification.status === 'accepted') {
      if (accepted?.key !== key || accepted.at < now.getTime()) this.lastAccepted = { key, at: now.getTime() };
      return verification;
    }
    const claims = verification.claims;
    const sameKeyAcceptedLater = accepted?.key === key && accepted.at > now.getTime();
    if (!claims || !sameKeyAcceptedLater || !verification.reason.startsWith('not yet valid (')) return verification;
    const message =
      `wall clock is before the key's start (${verification.reason}); ` +
      `keeping its verification of ${isoSeconds(new Date(accepted.at))}`;
    this.logger.warn(message);
    warnings.push(message);
    return { status: 'accepted', claims };
  }

  private async publicKeys(options: ResolvedLicenseOptions): Promise<PublicKeyOutcome> {
    const read = await readPublicKeyPems(options);
    if (!read.ok) return read;
    const pems = JSON.stringify(read.entries);
    if (this.parsedKeys?.pems !== pems) this.parsedKeys = { pems, outcome: publicKeySet(read.entries) };
    return this.parsedKeys.outcome;
  }
}
