import { IsString, Length, Matches } from 'class-validator';

export class AiMessageDto {
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'provider must be an id such as "anthropic"' })
  provider!: string;

  @IsString() @Length(1, 4000) message!: string;
}
