export const SQLITE_SCHEMA: string;
export const POSTGRES_SCHEMA: string;
export const SQLITE_MIGRATIONS: string;
export const POSTGRES_MIGRATIONS: string;
export const POSTGRES_CLIENT_OUTPUT: string;
export function derivePostgresSchema(sqliteSchema: string): string;
export function writePostgresSchema(): string;
export function migrationNames(migrationsDir: string): string[];
export function missingPostgresTwins(): string[];
