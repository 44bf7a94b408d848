import { Reflector } from '@nestjs/core';

/**
 * Marks a handler or controller as needing licensed features (all of them, when several are
 * given or when both the class and the handler are decorated). Enforced by `LicenseGuard`.
 *
 * ```ts
 * @RequiresLicense('connector:sap')
 * @Get('sap/orders') orders() { … }
 * ```
 */
export const RequiresLicense = Reflector.createDecorator<string | readonly string[], readonly string[]>({
  transform: (features) => (typeof features === 'string' ? [features] : [...features]),
});
