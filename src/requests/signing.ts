// The center's Ed25519 signing keys (signing_keys) and the signature over an instruction.
//
// Signing happens inside the send transaction, so the number, the payload and the signature are
// written together or not at all. A bun:sqlite transaction is synchronous (DESIGN §6: no await
// inside it), and Web Crypto's sign only returns a promise, so the runtime's own synchronous
// Ed25519 (node:crypto one-shot sign, RFC 8032, no dependency) makes the signature; institutions
// verify with any Ed25519 implementation, Web Crypto included, from the published JWK.
//
// Private keys live in the database, not in a file: every node on one database signs with the same
// current key, a rotation is one transaction, and a backup restores keys with the documents they
// signed. Whoever can read the database can sign; that reader already holds every case.
import { createPrivateKey, generateKeyPairSync, type JsonWebKey, sign } from "node:crypto";
import { desc, isNull } from "drizzle-orm";
import { atomic, type Db, storedColumns } from "../db";
import { signingKeys } from "../db/schema";
import { base64url } from "../domain/signing";

export type PublicJwk = JsonWebKey & { kty: "OKP"; crv: "Ed25519"; x: string; kid: string; alg: "EdDSA"; use: "sig" };

// the instants as stored (ms): the published JWKs carry them as ISO text
const COLS = storedColumns({
  id: signingKeys.id,
  kid: signingKeys.kid,
  publicJwk: signingKeys.publicJwk,
  privatePkcs8: signingKeys.privatePkcs8,
  createdAt: signingKeys.createdAt,
  retiredAt: signingKeys.retiredAt,
});

/** Makes a key and stores it; the older keys stay for verification. Returns its kid. */
export async function addSigningKey(db: Db, at: number): Promise<string> {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const jwk = publicKey.export({ format: "jwk" }) as JsonWebKey & { x: string };
  // the kid names the key itself: a base64url SHA-256 of the public key, cut to 16 bytes
  const kid = base64url(
    new Uint8Array(new Bun.CryptoHasher("sha256").update(Buffer.from(jwk.x, "base64url")).digest()).slice(0, 16),
  );
  const pub: PublicJwk = { kty: "OKP", crv: "Ed25519", x: jwk.x, kid, alg: "EdDSA", use: "sig" };
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
  await atomic(db, async (tx) => {
    await tx
      .update(signingKeys)
      .set({ retiredAt: new Date(at) })
      .where(isNull(signingKeys.retiredAt))
      .run();
    await tx
      .insert(signingKeys)
      .values({ kid, publicJwk: JSON.stringify(pub), privatePkcs8: pkcs8, createdAt: new Date(at) })
      .run();
  });
  return kid;
}

/** The key that signs now; the first is made on first need. */
async function currentKey(db: Db, at: number) {
  const pick = async () =>
    await db
      .select(COLS)
      .from(signingKeys)
      .where(isNull(signingKeys.retiredAt))
      .orderBy(desc(signingKeys.id))
      .limit(1)
      .get();
  let k = await pick();
  if (!k) {
    await addSigningKey(db, at);
    k = (await pick())!;
  }
  return k;
}

const privateKeys = new Map<string, ReturnType<typeof createPrivateKey>>();

/** Signs these exact bytes with the current key. */
export async function signBytes(db: Db, bytes: Uint8Array, at: number): Promise<{ keyId: string; signature: string }> {
  const k = await currentKey(db, at);
  let key = privateKeys.get(k.kid);
  if (!key) {
    key = createPrivateKey({ key: Buffer.from(k.privatePkcs8, "base64"), format: "der", type: "pkcs8" });
    privateKeys.set(k.kid, key);
  }
  return { keyId: k.kid, signature: base64url(new Uint8Array(sign(null, bytes, key))) };
}

/** Every key, newest first, as JWKs an institution can verify with (private parts never leave). */
export async function publicKeys(db: Db): Promise<(PublicJwk & { createdAt: string; retiredAt: string | null })[]> {
  return (await db.select(COLS).from(signingKeys).orderBy(desc(signingKeys.id)).all()).map((k) => ({
    ...(JSON.parse(k.publicJwk) as PublicJwk),
    createdAt: new Date(k.createdAt).toISOString(),
    retiredAt: k.retiredAt == null ? null : new Date(k.retiredAt).toISOString(),
  }));
}
