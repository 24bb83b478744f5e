// Restore on PostgreSQL when pg_restore fails part-way: the database is put back as it was, from
// the dump taken just before. Always on PostgreSQL (a throwaway cluster in the SQLite pass).
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUser } from "../../src/auth/service";
import type { Db } from "../../src/db";
import { BackupError, pgBackupTo, pgRestoreFrom } from "../../src/db/backup";
import { openPostgres, pgClient } from "../../src/db/pg";
import { postgresServer } from "../pg-cluster";

const dir = mkdtempSync(join(tmpdir(), "fz-pg-restore-"));
const name = `fzrestore_${process.pid}`;
const ghost = `fz_ghost_${process.pid}`;
let admin: ReturnType<typeof pgClient>;
afterAll(async () => {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`drop role if exists ${ghost}`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

test("a pg_restore that fails part-way puts the database back as it was and says so", async () => {
  const server = new URL(await postgresServer());
  admin = pgClient(server.toString(), { max: 1 });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString());
  const add = (username: string) =>
    createUser(db as unknown as Db, { username, password: "fz-restore-Pw-7391", role: "admin" });
  await add("alice");
  // an archive that passes every check but fails to load: it grants to a role gone by then
  await admin.unsafe(`create role ${ghost}`);
  await db.$client.unsafe(`grant select on users to ${ghost}`);
  const file = join(dir, "fanzha.pgdump");
  await pgBackupTo(url.toString(), file);
  await db.$client.unsafe(`revoke select on users from ${ghost}`);
  await admin.unsafe(`drop role ${ghost}`);
  await add("bob");
  await db.$client.end();

  const failed = await pgRestoreFrom(file, url.toString(), dir, Date.parse("2026-12-04T12:00:00Z")).catch((e) => e);
  expect(failed).toBeInstanceOf(BackupError);
  expect(failed.message).toContain(`pg_restore of ${file} failed`);
  expect(failed.message).toContain("the database was put back as it was");
  const sql = pgClient(url.toString(), { max: 1 });
  const users = await sql<{ username: string }[]>`select username from users order by username`;
  await sql.end();
  expect(users.map((u) => u.username)).toEqual(["alice", "bob"]);
}, 60_000);
