import { IsString, MaxLength, MinLength } from 'class-validator';

/** POST /api/license/activate. Messages never echo the value: it is a license key. */
export class ActivateLicenseDto {
  @IsString({ message: 'token must be a string (the license key)' })
  @MinLength(1, { message: 'token must not be empty' })
  // Far above a real key (~600 characters) and the verifier's 8 KiB; a bigger paste is refused here.
  @MaxLength(16 * 1024, { message: 'token is longer than 16384 characters' })
  token!: string;
}
