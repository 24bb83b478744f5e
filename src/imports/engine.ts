// The bulk-import engine. A file on disk (the upload was streamed there) is read in a worker
// thread (rows.ts, reader.ts) while this thread records each prepared batch in one transaction
// with the kind's handler, so parsing and writing run on two cores and the server keeps
// answering between batches. Every data row ends imported, merged or rejected (with its line,
// raw text and reason); the counts are stored with each batch, so an interrupted import resumes
// where it stopped, and the same file imported again (same kind, same SHA-256) changes nothing.
import type { Database } from "bun:sqlite";
import { unlink } from "node:fs/promises";
import { eq } from "drizzle-orm";
import { type AuditWho, recordAudit } from "../audit/service";
import { transaction } from "../db";
import { heldElsewhere, holdWhileWorking } from "../db/node-locks";
import { imports } from "../db/schema";
import type { Deps } from "../http/context";
import { AppError, notFound, refused } from "../http/errors";
import type { AnyImportHandler, Rejected } from "./handler";
import { IMPORT_HANDLERS } from "./handlers";
import type { Batch, ReaderMessage, ReaderStart } from "./reader";
import type { TableInfo } from "./rows";
import {
  type Counts,
  createImport,
  findByHash,
  getImport,
  type ImportRecord,
  type ImportStatus,
  type RejectionRow,
  recordBatch,
  reopenImport,
  setHeader,
  settleImport,
} from "./service";
import { csvLine, RAW_CELL, RAW_ROW } from "./table";

/**
 * Rows per batch, one transaction each. Every commit writes out the index pages it touched, and
 * random values touch most of a unique index's pages: at 10k rows per commit a 1M-row import
 * writes gigabytes of WAL, at 100k a tenth of that. The price: while an import runs, the server
 * pauses for one batch (a few hundred ms) at a time.
 */
export const BATCH_ROWS = 100_000;

export function importHandler(kind: string): AnyImportHandler {
  const h = Object.hasOwn(IMPORT_HANDLERS, kind) ? IMPORT_HANDLERS[kind] : undefined; // not "__proto__" or "constructor"
  if (!h) throw notFound("kind of import");
  return h;
}

export const importKinds = () => Object.keys(IMPORT_HANDLERS);

/** The file to import: already on disk, hashed while it was received. */
export type Upload = { kind: string; filename: string; path: string; sha256: string };

/** What the progress bar shows; published on the event bus as JSON on `import:<id>`. */
export type Progress = Counts & { id: number; status: ImportStatus; bytes: number; size: number; error: string | null };

export const importChannel = (id: number) => `import:${id}`;

type Run = { live: Progress; settled: Promise<void> };
const runs = new WeakMap<Database, Map<number, Run>>();
function runsOf(deps: Deps): Map<number, Run> {
  let m = runs.get(deps.db.$client);
  if (!m) {
    m = new Map();
    runs.set(deps.db.$client, m);
  }
  return m;
}

/** Live progress of an import running in this process (bytes read are not stored). */
export function liveProgress(deps: Deps, id: number): Progress | undefined {
  return runsOf(deps).get(id)?.live;
}

/**
 * An import as the screens show it: one left "running" by a process that has since stopped is
 * interrupted (uploading the same file again resumes it); one running on another node (PostgreSQL:
 * that node holds its lock) is running.
 */
export async function asShown(deps: Deps, rec: ImportRecord): Promise<ImportRecord> {
  if (rec.status !== "running" || runsOf(deps).has(rec.id)) return rec;
  if (await heldElsewhere(deps.db, importLock(rec.id))) return rec;
  return { ...rec, status: "failed", error: rec.error ?? "the server stopped during the import" };
}

/** Held by the node running the import, while it runs (src/db/node-locks.ts). */
export const importLock = (id: number) => `import:${id}`;

/** Resolves when the import has finished (done or failed); at once if it is not running here. */
export function whenSettled(deps: Deps, id: number): Promise<void> {
  return runsOf(deps).get(id)?.settled ?? Promise.resolve();
}

export type Started = { id: number; repeated: boolean };

/**
 * Starts importing an uploaded file and returns once its header is accepted; the rows are
 * recorded in the background. The same file again: the earlier import's id (repeated), unless
 * it failed or was interrupted — then it resumes. A file that cannot be read or has no
 * recognisable header: 422, and nothing is recorded.
 */
export async function startImport(
  deps: Deps,
  who: AuditWho,
  upload: Upload,
  opts: { batchRows?: number } = {},
): Promise<Started> {
  const { db } = deps;
  const handler = importHandler(upload.kind);
  const active = runsOf(deps);
  const earlier = await findByHash(db, upload.kind, upload.sha256);
  if (
    earlier &&
    (earlier.status === "done" ||
      active.has(earlier.id) ||
      (earlier.status === "running" && (await heldElsewhere(db, importLock(earlier.id)))))
  ) {
    await unlink(upload.path).catch(() => {});
    return { id: earlier.id, repeated: true };
  }
  const userId = who.actor?.kind === "user" ? who.actor.id : null;
  // claimed before the first await: a second upload of the same file finds this one running
  const id = earlier
    ? (await reopenImport(db, earlier.id), earlier.id)
    : await createImport(db, {
        kind: upload.kind,
        filename: upload.filename,
        fileHash: upload.sha256,
        userId,
        at: who.at,
      });
  const skip = earlier?.totalRows ?? 0;
  const live: Progress = {
    id,
    status: "running",
    totalRows: skip,
    imported: earlier?.imported ?? 0,
    merged: earlier?.merged ?? 0,
    rejected: earlier?.rejected ?? 0,
    bytes: 0,
    size: 0,
    error: null,
  };
  let settle!: () => void;
  const run: Run = { live, settled: new Promise((r) => (settle = r)) };
  active.set(id, run); // before any await: a second upload of the same file here finds it running
  // the other nodes know it runs (and that it stopped, should this node die)
  const release = await holdWhileWorking(db, importLock(id)).catch((e) => {
    active.delete(id);
    throw e;
  });

  const worker = new Worker(new URL("./reader.ts", import.meta.url).href);
  let header!: (info: TableInfo) => void;
  let refuse!: (e: Error) => void;
  const headerSeen = new Promise<TableInfo>((res, rej) => {
    header = res;
    refuse = rej;
  });
  let finished = false;
  let headerAccepted = false;

  const finish = async (error: string | null) => {
    if (finished) return;
    finished = true;
    worker.terminate();
    const at = deps.clock.now();
    await settleImport(db, id, at, error);
    const rec = (await getImport(db, id))!;
    Object.assign(live, {
      status: rec.status,
      totalRows: rec.totalRows,
      imported: rec.imported,
      merged: rec.merged,
      rejected: rec.rejected,
      error,
    });
    await recordAudit(
      db,
      { ...who, at },
      {
        action: error === null ? "import" : "import_failed",
        entity: "import",
        entityId: id,
        detail: {
          kind: upload.kind,
          filename: upload.filename,
          sha256: upload.sha256,
          totalRows: rec.totalRows,
          imported: rec.imported,
          merged: rec.merged,
          rejected: rec.rejected,
          error: error ?? undefined,
        },
      },
    );
    deps.events.publish(importChannel(id), "done", JSON.stringify(live));
    active.delete(id);
    await release();
    await unlink(upload.path).catch(() => {});
    settle();
  };

  const onMessage = async (e: MessageEvent<ReaderMessage>) => {
    const m = e.data;
    if (finished) return;
    try {
      if (m.type === "header") {
        live.size = m.info.size;
        await setHeader(db, id, m.header);
        headerAccepted = true;
        header(m.info);
      } else if (m.type === "refused") {
        refuse(refused("unreadable_file", m.refusal));
        // past the header (a limit met further down the file): the import stops, saying why
        if (headerAccepted) void finish(m.refusal.reason);
      } else if (m.type === "batch") {
        await recordBatchOf(deps, handler, id, userId, m, live);
        deps.events.publish(importChannel(id), "progress", JSON.stringify(live));
        worker.postMessage({ type: "ack" });
      } else if (m.type === "end") {
        live.bytes = m.bytes;
        void finish(null);
      } else {
        refuse(new Error(m.message));
        void finish(m.message);
      }
    } catch (err) {
      void finish(err instanceof Error ? err.message : String(err));
    }
  };
  // one message at a time, in the order sent: on PostgreSQL a batch's transaction yields to the
  // event loop, and the next batch (or the end) must not overtake it
  let inbox = Promise.resolve();
  worker.onmessage = (e: MessageEvent<ReaderMessage>) => {
    inbox = inbox.then(() => onMessage(e));
  };
  worker.onerror = (e) => {
    refuse(new Error(e.message));
    void finish(`the reader stopped: ${e.message}`);
  };
  worker.postMessage({
    type: "start",
    path: upload.path,
    kind: upload.kind,
    skip,
    batchRows: opts.batchRows ?? BATCH_ROWS,
  } satisfies ReaderStart);

  let info: TableInfo;
  try {
    info = await headerSeen;
  } catch (err) {
    if (err instanceof AppError) {
      // nothing was recorded: forget a new import entirely, leave a resumed one failed as it was
      finished = true;
      worker.terminate();
      active.delete(id);
      if (earlier) await settleImport(db, id, deps.clock.now(), err.message);
      else await transaction(db, async (tx) => await tx.delete(imports).where(eq(imports.id, id)).run());
      await release();
      await unlink(upload.path).catch(() => {});
      settle();
    }
    throw err;
  }
  await recordAudit(db, who, {
    action: earlier ? "resume" : "create",
    entity: "import",
    entityId: id,
    detail: {
      kind: upload.kind,
      filename: upload.filename,
      sha256: upload.sha256,
      format: info.format,
      encoding: info.encoding,
      size: info.size,
      skip: skip || undefined,
    },
  });
  return { id, repeated: false };
}

const codeColumns = (r: Pick<Rejected, "code" | "params"> | undefined) => ({
  reasonCode: r?.code ?? null,
  reasonParams: r?.code && r.params ? JSON.stringify(r.params) : null,
});

/** One batch, one transaction: the handler's outcomes, the counts and the rejected rows together. */
async function recordBatchOf(
  deps: Deps,
  handler: AnyImportHandler,
  importId: number,
  userId: number | null,
  b: Batch,
  live: Progress,
): Promise<void> {
  const { db } = deps;
  const n = b.lines.length;
  const at = deps.clock.now();
  let raws: string[] | null = null;
  const itemRaw = (k: number) => {
    raws ??= b.itemRaws?.split(RAW_ROW) ?? [];
    return csvLine((raws[k] ?? "").split(RAW_CELL));
  };
  const items: { length: number } = handler.unpack ? handler.unpack(b.items) : (b.items as unknown[]);
  const counts: Counts = { totalRows: n, imported: 0, merged: 0, rejected: 0 };
  const rejections: RejectionRow[] = [];
  await transaction(db, async (tx) => {
    const outcomes = items.length
      ? await handler.handleBatch(items, { tx, db, client: tx.$client, importId, at, userId, config: deps.config })
      : [];
    if (outcomes.length !== items.length)
      throw new Error(`${handler.kind} import: ${outcomes.length} outcomes for ${items.length} rows`);
    // back to file order (the items may have been recorded in their sort order)
    const item = new Int32Array(n).fill(-1);
    for (let k = 0; k < b.itemRows.length; k++) item[b.itemRows[k]!] = k;
    let r = 0;
    for (let i = 0; i < n; i++) {
      const k = item[i]!;
      if (k < 0) {
        const [, reason, raw, code] = b.rejects[r++]!;
        counts.rejected++;
        rejections.push({ line: b.lines[i]!, raw, reason, ...codeColumns(code) });
        continue;
      }
      const o = outcomes[k]!;
      if (o === "imported") counts.imported++;
      else if (o === "merged") counts.merged++;
      else {
        counts.rejected++;
        rejections.push({ line: b.lines[i]!, raw: itemRaw(k), reason: o.rejected, ...codeColumns(o) });
      }
    }
    await recordBatch(tx, importId, counts, rejections);
  });
  live.totalRows += counts.totalRows;
  live.imported += counts.imported;
  live.merged += counts.merged;
  live.rejected += counts.rejected;
  live.bytes = b.bytes;
}
