// Receiving an uploaded file without holding it in memory: the multipart/form-data body is
// parsed by busboy as it streams in, the file part written to a temporary file and hashed
// (SHA-256) on the way, and cut off once it passes the file limit. c.req.parseBody() would buffer the whole file; a 1M-row CSV is ~40 MB.

import { mkdirSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import busboy from "busboy";
import { refuse } from "../domain/reasons";
import { MULTIPART_SLACK } from "../http/body-limit";
import { AppError, badRequest, invalid, refused } from "../http/errors";

export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export type Received = { filename: string; path: string; sha256: string; size: number };

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
  return baseName(name);
}

/** A file name without any path, at most 200 characters; null if nothing is left. */
const baseName = (name: string) => name.split(/[\\/]/).pop()!.slice(0, 200) || null;

/**
 * Streams the request's multipart body through busboy; the part named `field` (a file) goes to a
 * temporary file. Other parts are skipped. The caller owns (and removes) the temporary file.
 */
export async function receiveUpload(req: Request, field = "file", maxBytes = MAX_UPLOAD_BYTES): Promise<Received> {
  const type = req.headers.get("Content-Type") ?? undefined;
  if (!boundaryOf(type)) throw new AppError("unsupported_media_type", "Send the file as multipart/form-data");
  if (!req.body) throw invalid([{ path: "file", message: "choose a file to import" }]);
  const dir = join(tmpdir(), "fanzha-imports");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${crypto.randomUUID()}.upload`);
  const tooLarge = () =>
    refused("payload_too_large", refuse("file.too_large", { mib: Math.round(maxBytes / 1024 / 1024) }));

  let sink: ReturnType<ReturnType<typeof Bun.file>["writer"]> | null = null;
  const hasher = new Bun.CryptoHasher("sha256");
  let filename: string | null = null;
  let size = 0;
  let failure: Error | null = null;
  const fail = (e: Error) => (failure ??= e);
  let written: Promise<unknown> = Promise.resolve();
  const cutOff = (e: Error) =>
    /unexpected end/i.test(e.message)
      ? badRequest("the upload was cut off before the end")
      : badRequest(`malformed multipart body: ${e.message}`);

  const bb = busboy({
    headers: { "content-type": type! },
    defParamCharset: "utf8", // browsers send the name as UTF-8 bytes
    limits: { fileSize: maxBytes, fields: 50, fieldSize: 64 * 1024, parts: 100, headerPairs: 20 },
  });
  bb.on("file", (name, stream, info) => {
    const fname = baseName(info.filename ?? ""); // busboy decodes filename* and drops a path; again, to be sure
    if (filename !== null || name !== field || !fname) return void stream.resume();
    filename = fname;
    const out = Bun.file(path).writer();
    sink = out;
    stream.on("data", (bytes: Buffer) => {
      size += bytes.length;
      hasher.update(bytes);
      out.write(bytes);
    });
    stream.on("limit", () => fail(tooLarge()));
    // a body cut off mid-file ends the file's stream with an error (busboy reports it too)
    written = new Promise<void>((resolve) => {
      stream.on("end", resolve);
      stream.on("error", (e: Error) => {
        fail(cutOff(e));
        resolve();
      });
    }).then(() => out.end());
  });
  bb.on("error", (e: Error) => fail(cutOff(e)));
  const closed = new Promise<void>((resolve) => bb.on("close", resolve));

  // the whole body, other parts included, is cut off once it passes the file limit and its framing
  let total = 0;
  try {
    for await (const chunk of req.body) {
      total += chunk.length;
      if (total > maxBytes + MULTIPART_SLACK) fail(tooLarge());
      if (failure) break;
      if (!bb.write(chunk)) await new Promise((r) => (bb.once("drain", r), bb.once("error", r), bb.once("close", r)));
      if (failure) break;
    }
    if (failure) throw failure; // stopped reading: the file's stream will not end
    bb.end();
    await Promise.race([closed, new Promise((r) => bb.once("error", r))]);
    await written;
    if (failure) throw failure;
    if (filename === null) throw invalid([{ path: "file", message: "choose a file to import" }]);
    if (size === 0) throw refused("unreadable_file", refuse("file.empty"));
  } catch (e) {
    bb.destroy();
    await (sink as { end(): unknown } | null)?.end();
    await unlink(path).catch(() => {});
    throw e;
  }
  return { filename: filename!, path, sha256: hasher.digest("hex"), size };
}
