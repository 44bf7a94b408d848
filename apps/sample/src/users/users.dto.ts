import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PERMISSIONS, type Permission } from '../auth/permissions.constants.js';

const PERMISSION_MESSAGE = `each permission must be one of: ${PERMISSIONS.join(', ')}`;

export class CreateUserDto {
  @IsString() @Length(1, 100) name!: string;

  @IsArray()
  @ArrayMaxSize(PERMISSIONS.length)
  @ArrayUnique()
  @IsIn(PERMISSIONS, { each: true, message: PERMISSION_MESSAGE })
  permissions!: Permission[];

  /** Default true; a disabled user takes no seat. */
  @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateUserDto {
  @IsOptional() @IsString() @Length(1, 100) name?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(PERMISSIONS.length)
  @ArrayUnique()
  @IsIn(PERMISSIONS, { each: true, message: PERMISSION_MESSAGE })
  permissions?: Permission[];

  @IsOptional() @IsBoolean() enabled?: boolean;
}
