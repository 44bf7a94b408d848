import { createHash, randomBytes } from 'node:crypto';
import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { SeatCounter } from '@liberty/license';
import { checkAdminToken } from '../auth/admin-token.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { PERMISSIONS, type Permission } from '../auth/permissions.js';
import type { CreateUserDto, UpdateUserDto } from './users.dto.js';

export interface User {
  readonly id: string;
  name: string;
  permissions: Permission[];
  enabled: boolean;
}

/** What the API shows of a user (never the token). */
export type PublicUser = Pick<User, 'id' | 'name' | 'permissions' | 'enabled'>;

export const ADMIN_ID = 'admin';

/**
 * Users and their bearer tokens, in memory (a sample; a real app keeps them in a database).
 * Tokens are kept as SHA-256 hashes. The built-in `admin` holds every permission and counts as a
 * seat; its token is `LIBERTY_ADMIN_TOKEN`, or a random one logged once at startup.
 * It is the app's `SeatCounter`; callers run seat-consuming changes through `SeatLimiter`.
 */
@Injectable()
export class UsersService implements SeatCounter {
  private readonly logger = new Logger('liberty.sample');
  private readonly users = new Map<string, User>();
  private readonly byTokenHash = new Map<string, string>();
  private nextId = 1;

  constructor(config: ConfigService) {
    let token = config.get<string>('LIBERTY_ADMIN_TOKEN')?.trim();
    if (token) checkAdminToken(token); // refuses to start with a short one, saying why
    else {
      token = newToken();
      this.logger.warn(`LIBERTY_ADMIN_TOKEN is not set; the admin token for this run is: ${token}`);
    }
    this.users.set(ADMIN_ID, { id: ADMIN_ID, name: 'admin', permissions: [...PERMISSIONS], enabled: true });
    this.byTokenHash.set(hash(token), ADMIN_ID);
  }

  /** The enabled user holding `token`, if any. */
  authenticate(token: string): AuthenticatedUser | undefined {
    const id = this.byTokenHash.get(hash(token));
    return id ? this.authenticateId(id) : undefined;
  }

  /** The user `id` (of a browser session) when it exists and is enabled. */
  authenticateId(id: string): AuthenticatedUser | undefined {
    const user = this.users.get(id);
    return user?.enabled ? { id: user.id, name: user.name, permissions: [...user.permissions] } : undefined;
  }

  /** The permissions of user `id`; 404 for an unknown id. */
  permissionsOf(id: string): readonly Permission[] {
    return [...this.existing(id).permissions];
  }

  enabledUsers(): number {
    let count = 0;
    for (const user of this.users.values()) if (user.enabled) count++;
    return count;
  }

  list(): PublicUser[] {
    return [...this.users.values()].map(view);
  }

  /** Stores a new user and returns it with its token (the only time the token is shown). */
  create(dto: CreateUserDto): PublicUser & { token: string } {
    const user: User = {
      id: `u${this.nextId++}`,
      name: dto.name,
      permissions: [...new Set(dto.permissions)],
      enabled: dto.enabled ?? true,
    };
    const token = newToken();
    this.users.set(user.id, user);
    this.byTokenHash.set(hash(token), user.id);
    return { ...view(user), token };
  }

  /** Whether `dto` would turn on a disabled user (a seat-consuming change). 404 for an unknown id. */
  enables(id: string, dto: UpdateUserDto): boolean {
    return dto.enabled === true && !this.existing(id).enabled;
  }

  update(id: string, dto: UpdateUserDto): PublicUser {
    const user = this.existing(id);
    if (id === ADMIN_ID) {
      throw new BadRequestException({ statusCode: 400, message: 'The built-in admin user cannot be changed' });
    }
    if (dto.name !== undefined) user.name = dto.name;
    if (dto.permissions !== undefined) user.permissions = [...new Set(dto.permissions)];
    if (dto.enabled !== undefined) user.enabled = dto.enabled;
    return view(user);
  }

  private existing(id: string): User {
    const user = this.users.get(id);
    if (!user) throw new NotFoundException({ statusCode: 404, message: `Unknown user "${id}"` });
    return user;
  }
}

function view(user: User): PublicUser {
  return { id: user.id, name: user.name, permissions: [...user.permissions], enabled: user.enabled };
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
