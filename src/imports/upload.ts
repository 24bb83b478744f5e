// Receiving an uploaded file without holding it in memory: the multipart/form-data body is
// parsed as it streams in, the file part written to a temporary file and hashed (SHA-256) on the
// way. c.req.parseBody() would buffer the whole file; a 1M-row CSV is ~40 MB.
import { mkdirSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError, badRequest, refusedWith } from "../http/errors";
import { refuse } from "../domain/reasons";
import { MULTIPART_SLACK } from "../http/body-limit";

export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export type Received = { filename: string; path: string; sha256: string; size: number };

const CRLF2 = Buffer.from("\r\n\r\n");

/** The boundary from `multipart/form-data; boundary=…`, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]!) : null;
}

/** The file name a browser sent: `filename*=UTF-8''…` (RFC 5987) or `filename="…"` (UTF-8 bytes), without any path. */
export function filenameOf(disposition: string): string | null {
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  let name: string | null = null;
  if (star) {
    try {
      name = decodeURIComponent(star[1]!.trim());
    } catch {
      name = null;
    }
  }
  if (name === null) {
    // browsers send the name as UTF-8 bytes, quotes as %22, and do not escape backslashes
    const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(disposition);
    if (!plain) return null;
    name = (plain[1] ?? plain[2]!).replace(/%22/g, '"').trim();
  }
  return name.split(/[\\/]/).pop()!.slice(0, 200) || null;
}

/**
 * Streams the request's multipart body; the part named `field` (a file) goes to a temporary
 * file. Other parts are skipped. The caller owns (and removes) the temporary file.
 */
export async function receiveUpload(req: Request, field = "file", maxBytes = MAX_UPLOAD_BYTES): Promise<Received> {
  const boundary = boundaryOf(req.headers.get("Content-Type") ?? undefined);
  if (!boundary) throw new AppError(415, "unsupported_media_type", "Send the file as multipart/form-data");
  if (!req.body) throw badRequest("file: choose a file to import", [{ path: "file", message: "choose a file to import" }]);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const dir = join(tmpdir(), "fanzha-imports");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${crypto.randomUUID()}.upload`);

  let sink: ReturnType<ReturnType<typeof Bun.file>["writer"]> | null = null;
  const hasher = new Bun.CryptoHasher("sha256");
  let filename: string | null = null;
  let size = 0;
  let state: "preamble" | "headers" | "body" | "done" = "preamble";
  let inFile = false;
  let taken = false;
  // a leading CRLF makes the first boundary look like every other one
  let buf: Buffer = Buffer.from("\r\n");

  const write = (bytes: Buffer) => {
    if (!inFile || bytes.length === 0) return;
    size += bytes.length;
    if (size > maxBytes) throw tooLarge();
    hasher.update(bytes);
    sink!.write(bytes);
  };

  // the whole body, other parts included, is cut off once it passes the file limit and its framing
  let total = 0;
  const tooLarge = () => refusedWith(413, "payload_too_large", refuse("file.too_large", { mib: Math.round(maxBytes / 1024 / 1024) }));
  try {
    for await (const chunk of req.body) {
      total += chunk.length;
      if (total > maxBytes + MULTIPART_SLACK) throw tooLarge();
      buf = buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk);
      for (;;) {
        if (state === "preamble" || state === "body") {
          const at = buf.indexOf(delimiter);
          if (at < 0) {
            // keep a tail that might be the start of the delimiter
            const keep = Math.min(buf.length, delimiter.length - 1);
            if (state === "body") write(buf.subarray(0, buf.length - keep));
            buf = buf.subarray(buf.length - keep);
            break;
          }
          if (state === "body") write(buf.subarray(0, at));
          if (inFile) {
            await sink!.end();
            inFile = false;
          }
          if (buf.length < at + delimiter.length + 2) {
            buf = buf.subarray(at);
            state = "preamble"; // re-find the same delimiter once the next bytes arrive
            break;
          }
          const after = buf.subarray(at + delimiter.length, at + delimiter.length + 2).toString("latin1");
          buf = buf.subarray(at + delimiter.length + 2);
          state = after === "--" ? "done" : "headers";
          if (state === "done") break;
        } else if (state === "headers") {
          const end = buf.indexOf(CRLF2);
          if (end < 0) {
            if (buf.length > 16 * 1024) throw badRequest("malformed multipart body: part headers too long");
            break;
          }
          const headers = buf.subarray(0, end).toString("utf8");
          buf = buf.subarray(end + 4);
          const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? "";
          const name = /\bname\s*=\s*"([^"]*)"/i.exec(disposition)?.[1];
          const fname = filenameOf(disposition);
          inFile = !taken && name === field && fname !== null;
          if (inFile) {
            taken = true;
            filename = fname;
            sink = Bun.file(path).writer();
          }
          state = "body";
        } else break;
      }
      if (state === "done") break;
    }
    if (!taken) throw badRequest("file: choose a file to import", [{ path: "file", message: "choose a file to import" }]);
    if (state !== "done") throw badRequest("the upload was cut off before the end");
    if (size === 0) throw refusedWith(422, "unreadable_file", refuse("file.empty"));
  } catch (e) {
    if (inFile) await sink!.end();
    await unlink(path).catch(() => {});
    throw e;
  }
  return { filename: filename!, path, sha256: hasher.digest("hex"), size };
}
