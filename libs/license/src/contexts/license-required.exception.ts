import { ForbiddenException, IntrinsicException, type HttpException } from '@nestjs/common';
import { LICENSE_REQUIRED } from '../license.constants.js';
import type { LicenseState } from '../interfaces/license-state.interface.js';
import { publicReason } from '../verification/rejection-reasons.util.js';

/** What every transport carries when a call needs a feature the license does not grant. */
export interface LicenseRequiredBody {
  readonly statusCode: 403;
  readonly code: typeof LICENSE_REQUIRED;
  readonly feature: string;
  readonly message: string;
  readonly licenseStatus: LicenseState['status'];
  readonly reason: string | null;
}

export function licenseRequiredBody(feature: string, state: LicenseState): LicenseRequiredBody {
  return {
    statusCode: 403,
    code: LICENSE_REQUIRED,
    feature,
    message: `Locked — requires license ${feature}`,
    licenseStatus: state.status,
    // Often answered to anonymous callers: the category only, never a file path.
    reason: publicReason(state.reason) ?? null,
  };
}

/** HTTP: 403 with the body. */
export function licenseRequiredHttpException(body: LicenseRequiredBody): HttpException {
  return new ForbiddenException({ ...body });
}

/**
 * GraphQL: an error whose `extensions` graphql-js copies onto the GraphQLError it wraps every
 * resolver error in, so clients read `extensions.code === 'LICENSE_REQUIRED'`.
 *
 * We chose not to import `graphql` (an optional package) and not to throw an HttpException: Nest's
 * Apollo driver turns an HttpException 403 into `code: 'FORBIDDEN'` and buries our body under
 * `extensions.originalError`. Being an IntrinsicException, Nest does not log it as an error: a
 * locked call is a normal answer, not a fault.
 */
export class LicenseRequiredGraphQLError extends IntrinsicException {
  readonly extensions: {
    readonly code: typeof LICENSE_REQUIRED;
    readonly feature: string;
    readonly licenseStatus: LicenseState['status'];
    readonly reason: string | null;
  };

  constructor(body: LicenseRequiredBody) {
    super(body.message);
    this.name = 'LicenseRequiredGraphQLError';
    this.extensions = {
      code: body.code,
      feature: body.feature,
      licenseStatus: body.licenseStatus,
      reason: body.reason,
    };
  }
}
