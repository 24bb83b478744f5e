// The import records: one row per file and kind, its counts kept with every batch (so an
// interrupted import resumes exactly where it stopped), and its rejected rows.
import { and, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Conn } from "../db";
import { type Db, transaction } from "../db";
import { importRejections, imports, users } from "../db/schema";

export type ImportStatus = "running" | "done" | "failed";
export type Counts = { totalRows: number; imported: number; merged: number; rejected: number };
/** A rejected row: `reason` in English; `reasonCode`/`reasonParams` (JSON) when a domain rule refused it. */
export type RejectionRow = {
  line: number;
  raw: string;
  reason: string;
  reasonCode: string | null;
  reasonParams: string | null;
};

const COLUMNS = {
  id: imports.id,
  kind: imports.kind,
  filename: imports.filename,
  fileHash: imports.fileHash,
  header: imports.header,
  status: imports.status,
  totalRows: imports.totalRows,
  imported: imports.imported,
  merged: imports.merged,
  rejected: imports.rejected,
  error: imports.error,
  createdAt: imports.createdAt,
  finishedAt: imports.finishedAt,
  createdBy: users.username,
};

export type ImportRecord = {
  id: number;
  kind: string;
  filename: string;
  fileHash: string;
  header: string | null;
  status: ImportStatus;
  totalRows: number;
  imported: number;
  merged: number;
  rejected: number;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  createdBy: string | null;
};

const base = (db: Conn) => db.select(COLUMNS).from(imports).leftJoin(users, eq(users.id, imports.createdBy));

/** The latest import of this file (by content) as this kind. */
export async function findByHash(db: Conn, kind: string, hash: string): Promise<ImportRecord | undefined> {
  return await base(db)
    .where(and(eq(imports.kind, kind), eq(imports.fileHash, hash)))
    .orderBy(desc(imports.id))
    .limit(1)
    .get();
}

export async function getImport(db: Conn, id: number): Promise<ImportRecord | undefined> {
  return await base(db).where(eq(imports.id, id)).get();
}

export async function listImports(db: Db, kinds: string[], limit = 50): Promise<ImportRecord[]> {
  if (kinds.length === 0) return [];
  return await base(db).where(inArray(imports.kind, kinds)).orderBy(desc(imports.id)).limit(limit).all();
}

export async function createImport(
  db: Conn,
  i: { kind: string; filename: string; fileHash: string; userId: number | null; at: number },
): Promise<number> {
  return (await transaction(
    db,
    async (tx) =>
      await tx
        .insert(imports)
        .values({
          kind: i.kind,
          filename: i.filename,
          fileHash: i.fileHash,
          status: "running",
          createdBy: i.userId,
          createdAt: new Date(i.at),
        })
        .returning({ id: imports.id })
        .get(),
  ))!.id;
}

/** A failed or interrupted import of the same file runs again from the first row it had not recorded. */
export async function reopenImport(db: Conn, id: number): Promise<void> {
  await transaction(
    db,
    async (tx) =>
      await tx
        .update(imports)
        .set({ status: "running", error: null, finishedAt: null })
        .where(eq(imports.id, id))
        .run(),
  );
}

export async function setHeader(db: Conn, id: number, header: string): Promise<void> {
  await transaction(db, async (tx) => await tx.update(imports).set({ header }).where(eq(imports.id, id)).run());
}

/** Inside the batch's transaction: the batch's counts and rejected rows. */
export async function recordBatch(tx: Conn, id: number, counts: Counts, rejections: RejectionRow[]): Promise<void> {
  await tx
    .update(imports)
    .set({
      totalRows: sql`${imports.totalRows} + ${counts.totalRows}`,
      imported: sql`${imports.imported} + ${counts.imported}`,
      merged: sql`${imports.merged} + ${counts.merged}`,
      rejected: sql`${imports.rejected} + ${counts.rejected}`,
    })
    .where(eq(imports.id, id))
    .run();
  for (let i = 0; i < rejections.length; i += 500) {
    await tx
      .insert(importRejections)
      .values(rejections.slice(i, i + 500).map((r) => ({ importId: id, ...r })))
      .run();
  }
}

export async function settleImport(db: Conn, id: number, at: number, error: string | null): Promise<void> {
  await transaction(
    db,
    async (tx) =>
      await tx
        .update(imports)
        .set({ status: error === null ? "done" : "failed", error, finishedAt: new Date(at) })
        .where(eq(imports.id, id))
        .run(),
  );
}

const REJECTION_COLUMNS = {
  line: importRejections.line,
  raw: importRejections.raw,
  reason: importRejections.reason,
  reasonCode: importRejections.reasonCode,
  reasonParams: importRejections.reasonParams,
};

export async function rejectionsPage(db: Db, id: number, limit: number): Promise<RejectionRow[]> {
  return await db
    .select(REJECTION_COLUMNS)
    .from(importRejections)
    .where(eq(importRejections.importId, id))
    .orderBy(importRejections.line)
    .limit(limit)
    .all();
}

/**
 * All rejected rows in line order (they are stored in file order, so by id), a page at a time:
 * an import can reject a million rows, and no read cursor stays open while the download waits.
 */
export async function* allRejections(db: Db, id: number, page = 5000): AsyncGenerator<RejectionRow[]> {
  const q = db
    .select({ id: importRejections.id, ...REJECTION_COLUMNS })
    .from(importRejections)
    .where(and(eq(importRejections.importId, sql.placeholder("id")), gt(importRejections.id, sql.placeholder("after"))))
    .orderBy(importRejections.id)
    .limit(sql.placeholder("page"))
    .prepare();
  let after = 0;
  for (;;) {
    const rows = await q.all({ id, after, page });
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    yield rows;
  }
}
