// The request JSON's signed-instruction fields (documents.ts fills them), for the OpenAPI document.
import { z } from "../api/openapi";
import { DOCUMENT_KINDS } from "../domain/enums";

const b64 = (what: string) =>
  z
    .string()
    .nullable()
    .openapi({ description: `${what} (base64url)` });

const SignedInstruction = z
  .object({
    kind: z.enum(DOCUMENT_KINDS).openapi({
      description: "The instruction: the request itself, or a renewal (renew_*) or release (release_*) of a hold",
    }),
    documentNo: z
      .string()
      .openapi({ description: "Document number, unique per kind and year, e.g. 某公反诈冻字〔2026〕第000123号" }),
    issuedAt: z.string(),
    keyId: z.string().openapi({ description: "kid of the signing key in GET /api/v1/signing-keys" }),
    signature: z.string().openapi({ description: "Ed25519 signature over signedPayload's bytes (base64url)" }),
    signedPayload: z.string().openapi({
      description: "The exact bytes signed: canonical JSON (sorted keys, no whitespace, UTF-8), base64url",
    }),
  })
  .openapi("SignedInstruction");

/** Spread into the request's JSON schema: its own instruction at the top, every instruction below. */
export const SIGNED_FIELDS = {
  documentNo: z.string().nullable().openapi({ description: "The request's document number; null while a draft" }),
  keyId: b64("kid of the key that signed the request's instruction"),
  signature: b64("Ed25519 signature of the request's instruction"),
  signedPayload: b64("The exact bytes signed"),
  instructions: z
    .array(SignedInstruction)
    .openapi({ description: "Every instruction sent for this request, oldest first (the send, renewals, releases)" }),
};
