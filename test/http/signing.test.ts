import { describe, expect, test } from "bun:test";
import { createPublicKey, verify } from "node:crypto";
import { addSigningKey } from "../../src/requests/signing";
import { apiClient, sqlOne, type TestPlatform, testPlatform } from "../helpers";

// Verification here uses only what an institution has: the request JSON and the published JWKs,
// with node:crypto and Web Crypto, never the service's own code.

const ICBC_CARD = "6222020200112233445";
type Json = Record<string, any>;

async function makeCase(p: TestPlatform): Promise<number> {
  const now = p.clock.now();
  return (await sqlOne<{ id: number }>(
    p.deps.db,
    `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, status, created_at, updated_at) values (?, '朝阳区', 'fake_investment', 1000000, '王小明', 'received', ?, ?) returning id`,
    now,
    now,
    now,
  ))!.id;
}

async function setup() {
  const p = await testPlatform();
  const caseId = await makeCase(p);
  const agent = await apiClient(p, "agent");
  const icbc = await apiClient(p, "bank", "ICBC");
  const send = async (body: Json = {}) =>
    (
      (await (
        await agent.call("/api/v1/requests", {
          json: { caseId, kind: "stop_payment", value: ICBC_CARD, amount: 500_000, ...body },
        })
      ).json()) as Json
    ).request as Json;
  const keys = async () => ((await (await p.app.request("/api/v1/signing-keys")).json()) as Json).keys as Json[];
  return { p, agent, icbc, send, keys };
}

const bytesOf = (b64url: string) => Buffer.from(b64url, "base64url");

function nodeVerifies(jwk: Json, r: Json): boolean {
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: "jwk" });
  return verify(null, bytesOf(r.signedPayload), key, bytesOf(r.signature));
}

async function webCryptoVerifies(jwk: Json, r: Json): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    "jwk",
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
    { name: "Ed25519" },
    false,
    ["verify"],
  );
  return crypto.subtle.verify({ name: "Ed25519" }, key, bytesOf(r.signature), bytesOf(r.signedPayload));
}

describe("signed instructions", () => {
  test("a sent request carries a signature that verifies with node:crypto and Web Crypto against the published key", async () => {
    const { send, keys } = await setup();
    const r = await send();
    expect(r.signature).toMatch(/^[A-Za-z0-9_-]{86}$/); // 64 bytes, base64url
    const jwk = (await keys()).find((k) => k.kid === r.keyId)!;
    expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    expect(nodeVerifies(jwk, r)).toBe(true);
    expect(await webCryptoVerifies(jwk, r)).toBe(true);
  });

  test("the signed payload is canonical JSON naming the document number, account, bank and amount", async () => {
    const { send } = await setup();
    const r = await send();
    const text = bytesOf(r.signedPayload).toString("utf8");
    expect(text).not.toMatch(/\s(?=(?:[^"]*"[^"]*")*[^"]*$)/); // no whitespace outside strings
    const parsed = JSON.parse(text);
    const sortedDeep = (v: any): any =>
      Array.isArray(v)
        ? v.map(sortedDeep)
        : v && typeof v === "object"
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sortedDeep(v[k])]),
            )
          : v;
    expect(JSON.stringify(sortedDeep(parsed))).toBe(text);
    expect(parsed).toMatchObject({
      documentNo: r.documentNo,
      documentKind: "stop_payment",
      amount: 500_000,
      subject: { kind: "bank_account", value: ICBC_CARD },
      institution: { code: "ICBC" },
    });
  });

  test("a changed payload or a changed signature does not verify", async () => {
    const { send, keys } = await setup();
    const r = await send();
    const jwk = (await keys())[0]!;
    const forged = Buffer.from(
      bytesOf(r.signedPayload).toString("utf8").replace('"amount":500000', '"amount":900000'),
    ).toString("base64url");
    expect(forged).not.toBe(r.signedPayload);
    expect(nodeVerifies(jwk, { ...r, signedPayload: forged })).toBe(false);
    const sig = bytesOf(r.signature);
    sig[0] = sig[0]! ^ 1;
    expect(await webCryptoVerifies(jwk, { ...r, signature: sig.toString("base64url") })).toBe(false);
  });

  test("the bank receives the same signed instruction the center sent", async () => {
    const { send, icbc } = await setup();
    const r = await send();
    const seen = ((await (await icbc.call(`/api/v1/requests/${r.id}`)).json()) as Json).request;
    expect({
      documentNo: seen.documentNo,
      keyId: seen.keyId,
      signature: seen.signature,
      signedPayload: seen.signedPayload,
    }).toEqual({
      documentNo: r.documentNo,
      keyId: r.keyId,
      signature: r.signature,
      signedPayload: r.signedPayload,
    });
  });

  test("a draft carries no document number or signature until it is sent", async () => {
    const { send } = await setup();
    const r = await send({ draft: true });
    expect(r).toMatchObject({ documentNo: null, signature: null, keyId: null, signedPayload: null, instructions: [] });
  });

  test("after a key rotation new instructions use the new key and the old ones still verify with the old, still published", async () => {
    const { p, send, keys } = await setup();
    const before = await send();
    const newKid = await addSigningKey(p.deps.db, p.clock.now());
    const after = await send();
    expect(after.keyId).toBe(newKid);
    expect(after.keyId).not.toBe(before.keyId);
    const published = await keys();
    expect(published.map((k) => k.kid)).toEqual([newKid, before.keyId]);
    expect(published[1]!.retiredAt).not.toBeNull();
    expect(nodeVerifies(published[1]!, before)).toBe(true);
    expect(nodeVerifies(published[0]!, after)).toBe(true);
    expect(nodeVerifies(published[0]!, before)).toBe(false);
  });

  test("the signing keys are published without a token and never include a private part", async () => {
    const { send, keys } = await setup();
    await send();
    for (const k of await keys())
      expect(Object.keys(k).sort()).toEqual(["alg", "createdAt", "crv", "kid", "kty", "retiredAt", "use", "x"]);
  });
});
