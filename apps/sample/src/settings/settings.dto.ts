import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { keyReferenceProblem, type Enforcement } from '../config/app-config.loader.js';

/** `license_key` must be a `${NAME}` reference; a JWT gets told it must not be stored in configuration. */
function IsKeyReference(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isKeyReference',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => keyReferenceProblem(value) === undefined,
        // Never echoes the value: it may be a license key.
        defaultMessage: (args?: ValidationArguments) =>
          `license_key ${keyReferenceProblem(args?.value) ?? 'is invalid'}`,
      },
    });
}

/** PUT /api/settings/framework/license. Omitted fields keep their value. */
export class LicenseSettingsDto {
  @IsOptional() @IsKeyReference() license_key?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @Matches(/^[^\0]*$/, { message: 'public_key_path must not contain NUL characters' })
  public_key_path?: string;

  @IsOptional()
  @IsIn(['restricted', 'soft'], { message: 'enforcement must be "restricted" or "soft"' })
  enforcement?: Enforcement;
}

/** PATCH /api/settings/connectors/:id. */
export class ConnectorSettingsDto {
  @IsBoolean() licensed!: boolean;
}
