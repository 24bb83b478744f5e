// GET /api/v1/signing-keys: the center's public keys, so a bank's or carrier's system can verify
// each instruction's signature. Public, like a JWKS: a public key gives nothing away.
import { apiRouter, createRoute, jsonResponse, z } from "../api/openapi";
import { publicKeys } from "./signing";

const Jwk = z
  .object({
    kty: z.literal("OKP"),
    crv: z.literal("Ed25519"),
    x: z.string().openapi({ description: "The public key (base64url)" }),
    kid: z.string().openapi({ description: "The keyId instructions name" }),
    alg: z.literal("EdDSA"),
    use: z.literal("sig"),
    createdAt: z.string(),
    retiredAt: z
      .string()
      .nullable()
      .openapi({ description: "No longer signs from then on; still verifies what it signed" }),
  })
  .openapi("SigningKey");

export const signingKeysApi = apiRouter().openapi(
  createRoute({
    method: "get",
    path: "/signing-keys",
    tags: ["Requests"],
    summary: "The center's Ed25519 public keys (JWK), newest first",
    description:
      "Each sent instruction carries `keyId`, `signature` and `signedPayload` (base64url). Verify with the key whose `kid` is `keyId`: " +
      "Ed25519 over the decoded `signedPayload` bytes, which are the instruction's canonical JSON (sorted keys, no whitespace, UTF-8). No token needed.",
    responses: { 200: jsonResponse(z.object({ keys: z.array(Jwk) }), "Every key, the current one first") },
  }),
  async (c) => c.json({ keys: await publicKeys(c.var.deps.db) }, 200),
);
