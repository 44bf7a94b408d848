import { Reflector } from '@nestjs/core';
import type { LicenseFeature } from '../interfaces/license-feature.interface.js';

/**
 * Marks a handler or controller as needing licensed features (all of them, when several are
 * given or when both the class and the handler are decorated). Enforced by `LicenseGuard`.
 *
 * ```ts
 * @RequiresLicense('connector:sap')
 * @Get('sap/orders') orders() { … }
 * ```
 */
export const RequiresLicense = Reflector.createDecorator<LicenseFeature | readonly LicenseFeature[], readonly string[]>(
  {
    transform: (features) => (typeof features === 'string' ? [features] : [...features]),
  },
);
