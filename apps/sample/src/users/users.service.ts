import { createHash, randomBytes } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  type OnModuleInit,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { SeatCounter } from '@liberty/license';
import { checkAdminToken } from '../auth/admin-token.validator.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.interface.js';
import { PERMISSIONS, type Permission } from '../auth/permissions.constants.js';
import { Database, type Tx } from '../database/database.service.js';
import type { DatabaseSchema } from '../database/schema.interface.js';
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
/** The built-in admin's name; no other user may take it (case and blanks ignored). */
export const ADMIN_NAME = 'admin';

type UserRow = DatabaseSchema['users'];

/**
 * Users and their bearer tokens, in the app's database (tokens kept as SHA-256 hashes only).
 * The built-in `admin` holds every permission and counts as a seat; its token is
 * `LIBERTY_ADMIN_TOKEN`, or a random one logged once at startup (its hash replaces the stored one).
 * It is the app's `SeatCounter`. Writes that take a seat go through `SeatedUserWrites`, which runs
 * the methods taking a `tx` inside the seat transaction.
 */
@Injectable()
export class UsersService implements SeatCounter, OnModuleInit {
  private readonly logger = new Logger('liberty.sample');

  constructor(
    private readonly config: ConfigService,
    private readonly database: Database,
  ) {}

  async onModuleInit(): Promise<void> {
    let token = this.config.get<string>('LIBERTY_ADMIN_TOKEN')?.trim();
    if (token)
      checkAdminToken(token); // refuses to start with a short one, saying why
    else {
      token = newToken();
      this.logger.warn(`LIBERTY_ADMIN_TOKEN is not set; the admin token for this run is: ${token}`);
    }
    const row: UserRow = {
      id: ADMIN_ID,
      name: ADMIN_NAME,
      permissions: JSON.stringify(PERMISSIONS),
      enabled: 1,
      token_hash: hash(token),
      created_at: new Date(0).toISOString(),
      session_generation: 0,
    };
    // Under the seat lock, as every write of `enabled`, and one replica at a time: replicas starting
    // together on a fresh database each insert this row, and `on conflict (id)` does not cover the
    // unique token hash the racing insert also takes (the loser failed to start).
    await this.database.serialized('seats', async (tx) => {
      // A new admin token (rotated across a restart, or a random one) ends every admin session: a
      // stolen browser session must not outlive the credential it was opened with. Conditional, so
      // replicas starting together with the same token move the generation once, not once each.
      await tx
        .updateTable('users')
        .set((eb) => ({ session_generation: eb('session_generation', '+', 1), token_hash: row.token_hash }))
        .where('id', '=', ADMIN_ID)
        .where('token_hash', '!=', row.token_hash)
        .execute();
      await tx
        .insertInto('users')
        .values(row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({ token_hash: row.token_hash, permissions: row.permissions, enabled: 1 }),
        )
        .execute();
    });
  }

  /** The enabled user holding `token`, if any. */
  async authenticate(token: string): Promise<AuthenticatedUser | undefined> {
    const row = await this.database.db
      .selectFrom('users')
      .selectAll()
      .where('token_hash', '=', hash(token))
      .executeTakeFirst();
    return authenticated(row);
  }

  /** The user `id` (of a browser session) when it exists and is enabled. */
  async authenticateId(id: string): Promise<AuthenticatedUser | undefined> {
    const row = await this.database.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return authenticated(row);
  }

  /** The permissions of user `id`; 404 for an unknown id. */
  async permissionsOf(id: string): Promise<readonly Permission[]> {
    return (await this.existing(id, this.database.db)).permissions;
  }

  enabledUsers(tx: Tx = this.database.db): Promise<number> {
    return tx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('enabled', '=', 1)
      .executeTakeFirstOrThrow()
      .then((row) => Number(row.n));
  }

  async list(): Promise<PublicUser[]> {
    const rows = await this.database.db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map((row) => view(fromRow(row)));
  }

  /** Stores a new user and returns it with its token (the only time the token is shown). */
  async create(dto: CreateUserDto, tx: Tx = this.database.db): Promise<PublicUser & { token: string }> {
    checkName(dto.name);
    const user: User = {
      id: `u${randomBytes(6).toString('hex')}`,
      name: dto.name,
      permissions: [...new Set(dto.permissions)],
      enabled: dto.enabled ?? true,
    };
    const token = newToken();
    await tx
      .insertInto('users')
      .values({
        id: user.id,
        name: user.name,
        permissions: JSON.stringify(user.permissions),
        enabled: user.enabled ? 1 : 0,
        token_hash: hash(token),
        created_at: new Date().toISOString(),
        session_generation: 0,
      })
      .execute();
    return { ...view(user), token };
  }

  /**
   * Writes only the fields `dto` gives (never a whole row read earlier: that would put back an
   * `enabled` a concurrent disable just changed) and returns the user as stored after the write.
   * A change of `enabled` must run in the seat transaction (`SeatedUserWrites`). 404 for an
   * unknown id; 400 for the built-in admin.
   */
  async update(id: string, dto: UpdateUserDto, tx: Tx = this.database.db): Promise<PublicUser> {
    if (id === ADMIN_ID) {
      throw new BadRequestException({ statusCode: 400, message: 'The built-in admin user cannot be changed' });
    }
    if (dto.name !== undefined) checkName(dto.name);
    const changes: Partial<Pick<UserRow, 'name' | 'permissions' | 'enabled'>> = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.permissions !== undefined) changes.permissions = JSON.stringify([...new Set(dto.permissions)]);
    if (dto.enabled !== undefined) changes.enabled = dto.enabled ? 1 : 0;
    if (Object.keys(changes).length > 0) {
      await tx
        .updateTable('users')
        // Disabling ends the user's sessions for good: re-enabling later revives none of them.
        .set((eb) => ({
          ...changes,
          ...(dto.enabled === false ? { session_generation: eb('session_generation', '+', 1) } : {}),
        }))
        .where('id', '=', id)
        .execute();
    }
    return view(await this.existing(id, tx));
  }

  /**
   * Deletes user `id` and its browser sessions (its token lived in its row, so it stops working
   * with it). 404 for an unknown id; 409 `LAST_ADMIN` when it is the last enabled user holding
   * every permission; 400 for the built-in admin (re-created from `LIBERTY_ADMIN_TOKEN` at every
   * start, so deleting it would not last). Call it under the seat lock (`SeatedUserWrites`).
   */
  async remove(id: string, tx: Tx = this.database.db): Promise<void> {
    const user = await this.existing(id, tx);
    if (isAdmin(user)) {
      const admins = (await tx.selectFrom('users').selectAll().where('enabled', '=', 1).execute())
        .map(fromRow)
        .filter(isAdmin);
      if (admins.every((admin) => admin.id === id)) {
        throw new ConflictException({
          statusCode: 409,
          code: 'LAST_ADMIN',
          message: 'The last admin cannot be deleted',
        });
      }
    }
    if (id === ADMIN_ID) {
      throw new BadRequestException({
        statusCode: 400,
        message: 'The built-in admin user cannot be deleted (it comes from LIBERTY_ADMIN_TOKEN)',
      });
    }
    await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await tx.deleteFrom('users').where('id', '=', id).execute();
  }

  /** The user `id` as stored now (in `tx`); 404 for an unknown id. */
  async find(id: string, tx: Tx = this.database.db): Promise<PublicUser> {
    return view(await this.existing(id, tx));
  }

  /** "Sign out everywhere": ends every browser session of user `id` (its bearer token is unchanged). */
  async endSessions(id: string): Promise<void> {
    await this.database.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set((eb) => ({ session_generation: eb('session_generation', '+', 1) }))
        .where('id', '=', id)
        .execute();
      await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    });
  }

  private async existing(id: string, tx: Tx): Promise<User> {
    const row = await tx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundException({ statusCode: 404, message: `Unknown user "${id}"` });
    return fromRow(row);
  }
}

/** 400 for a name that passes for the built-in admin's (`Admin`, ` admin `). */
function checkName(name: string): void {
  if (name.trim().toLowerCase() === ADMIN_NAME) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: [`name: "${ADMIN_NAME}" is reserved for the built-in admin`],
    });
  }
}

/** An admin holds every permission (the built-in `admin` and anyone given all of them). */
function isAdmin(user: User): boolean {
  return user.enabled && PERMISSIONS.every((p) => user.permissions.includes(p));
}

function authenticated(row: UserRow | undefined): AuthenticatedUser | undefined {
  if (!row || row.enabled !== 1) return undefined;
  const user = fromRow(row);
  return { id: user.id, name: user.name, permissions: user.permissions };
}

function fromRow(row: UserRow): User {
  const permissions = (JSON.parse(row.permissions) as string[]).filter((p): p is Permission =>
    (PERMISSIONS as readonly string[]).includes(p),
  );
  return { id: row.id, name: row.name, permissions, enabled: row.enabled === 1 };
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
