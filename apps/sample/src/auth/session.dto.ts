import { IsString, Length } from 'class-validator';

export class SessionDto {
  @IsString() @Length(1, 512) token!: string;
}
