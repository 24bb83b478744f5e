// Bad input at every door: each JSON route of the OpenAPI document and each page form (every POST
// route of the app) gets generated wrong types, huge and empty strings, odd unicode, broken JSON,
// broken url-encoding and broken multipart. None may answer 5xx; the API answers every refusal in
// its JSON error shape {error: {code, message}}. fast-check prints the seed and the smallest input
// of any failure. Bounded: NUM_RUNS per route (25; FUZZ_RUNS=400 searches longer) keeps the whole
// file near 30 s on the 2-core machine (measured: 16–30 s with 25 runs, 46 s with 80).
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { inOrder } from "../../src/db";
import type { Role } from "../../src/domain/access";
import { apiClient, signIn, type TestPlatform, testPlatform } from "../helpers";

const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 25);
/** Per route: room for a loaded machine, and for fast-check to shrink a failure. */
const TIMEOUT_MS = 30_000 + NUM_RUNS * 200;
const ROLES: { role: Role; institution?: string }[] = [
  { role: "supervisor" },
  { role: "agent" },
  { role: "bank", institution: "ICBC" },
  { role: "carrier", institution: "CMCC" },
  { role: "publicity" },
  { role: "admin" },
];

// ---------------------------------------------------------------------------------------------
// The platform under fire: a case, its suspect, a request, a target and a warning exist (id 1 each)

const p: TestPlatform = await testPlatform({ API_RATE_LIMIT_PER_MIN: "0" });
const agent = await apiClient(p, "agent");
{
  const ok = async (res: Response) => {
    if (res.status >= 300) throw new Error(`fuzz setup: ${res.status} ${await res.text()}`);
    return (await res.json()) as any;
  };
  const { case: c } = await ok(
    await agent.call("/api/v1/cases", {
      json: {
        receivedAt: "2026-11-21T09:00:00+08:00",
        district: "朝阳区",
        fraudType: "fake_investment",
        loss: 500_000,
        victim: { name: "王小明", phone: "13911112222" },
        suspects: [{ value: "6222020200112233445" }],
      },
    }),
  );
  await ok(
    await agent.call("/api/v1/requests", {
      json: { caseId: c.id, kind: "stop_payment", value: "6222020200112233445", amount: 100_000 },
    }),
  );
  const { target } = await ok(
    await agent.call("/api/v1/targets", { json: { phone: "13800138000", riskGrade: "high" } }),
  );
  await ok(await agent.call("/api/v1/warnings", { json: { targetId: target.id, channel: "sms" } }));
}

// ---------------------------------------------------------------------------------------------
// Generated bad values

const HUGE = "九".repeat(100_000);
const oddStrings = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 40 }), // lone surrogates, control characters, astral planes
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\u202e138",
    "１３８００１３８０００",
    "' or 1=1 --",
    "<script>x</script>",
    "%zz",
    "NaN",
    "-1",
    "0",
    "1e309",
    "9".repeat(400),
    "2026-13-45",
    "null",
    "true",
    "[]",
    "{}",
  ),
  fc.constant(HUGE),
);
const badValue: fc.Arbitrary<unknown> = fc.oneof(
  oddStrings,
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constantFrom(null, true, false, Number.MAX_SAFE_INTEGER + 2, -0),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const pathSegment = (pattern?: string): fc.Arbitrary<string> => {
  const choice = pattern && /^[\w|]+$/.test(pattern) ? pattern.split("|") : null; // {send|discard|…}
  if (choice) return fc.constantFrom(...choice);
  const digits = fc.oneof(fc.constantFrom("1", "2", "0", "999999", "99999999999999999999999"), fc.nat().map(String));
  if (pattern === "[0-9]+") return digits;
  if (pattern === "[a-z_]+")
    return fc.oneof(fc.constantFrom("suspects", "targets", "baseline"), fc.stringMatching(/^[a-z_]{1,12}$/));
  return fc.oneof(digits, oddStrings.filter((s) => s.length > 0 && s.length < 300).map(encodeURIComponent));
};

/** A route path with its parameters (hono `:id{[0-9]+}` or OpenAPI `{id}`) filled. */
function filledPath(path: string): fc.Arbitrary<string> {
  const parts = path.split(/(\{[a-zA-Z]\w*\}|:[a-zA-Z]\w*(?:\{[^}]+\})?)/);
  return fc
    .tuple(
      ...parts.map((part) => {
        const hono = /^:\w+(?:\{([^}]+)\})?$/.exec(part);
        if (hono) return pathSegment(hono[1] ?? "");
        if (/^\{\w+\}$/.test(part)) return pathSegment();
        return fc.constant(part);
      }),
    )
    .map((xs) => xs.join(""));
}

type Body = { contentType?: string; body?: BodyInit };

const brokenJson = fc.constantFrom(
  '{"a":',
  "{'a': 1}",
  "[1,2,",
  "nul",
  '{"a":"\\ud800"}',
  "\u0000",
  "{}}",
  '{"a":1,"a":2,',
  "",
);
/** JSON bodies: the schema's own field names with wrong values, any JSON, broken JSON, wrong type, empty. */
function jsonBodies(fields: string[]): fc.Arbitrary<Body> {
  const named = fields.length
    ? fc.dictionary(fc.constantFrom(...fields), badValue, { maxKeys: fields.length + 1 }).map((o) => JSON.stringify(o))
    : fc.constant("{}");
  return fc.oneof(
    { weight: 4, arbitrary: named.map((body) => ({ contentType: "application/json", body })) },
    {
      weight: 2,
      arbitrary: fc
        .jsonValue({ maxDepth: 3 })
        .map((v) => ({ contentType: "application/json", body: JSON.stringify(v) })),
    },
    { weight: 2, arbitrary: brokenJson.map((body) => ({ contentType: "application/json", body })) },
    { weight: 1, arbitrary: oddStrings.map((body) => ({ contentType: "text/plain", body })) },
    { weight: 1, arbitrary: fc.constant<Body>({}) },
  );
}

const FORM_FIELDS = [
  "text",
  "value",
  "kind",
  "status",
  "reason",
  "amount",
  "note",
  "district",
  "name",
  "phone",
  "username",
  "password",
  "role",
  "institution",
  "nonce",
  "action",
  "caseId",
  "targetId",
  "outcome",
  "channel",
  "riskGrade",
  "from",
  "to",
  "file",
  "lang",
  "next",
  "suspects[0][value]",
  "victim.name",
  "Body",
  "CallSid",
  "MessageStatus",
];
const BOUNDARY = "----fuzz7MA4YWxkTrZu0gW";

/** Form bodies: url-encoded (well formed or not), multipart (well formed, truncated or lying), JSON where a form was expected. */
const formBodies: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...FORM_FIELDS), fc.string({ maxLength: 8 })), oddStrings), {
        maxLength: 6,
      })
      .map((kv) => ({ contentType: "application/x-www-form-urlencoded", body: new URLSearchParams(kv).toString() })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("%zz=%E0%A4%A", "a=%", "&&==&", "=".repeat(1000), "a[]=1&a[x]=2&a=3")
      .map((body) => ({ contentType: "application/x-www-form-urlencoded", body })),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...FORM_FIELDS), oddStrings, fc.boolean()), { maxLength: 4 })
      .map((kv) => {
        const fd = new FormData();
        for (const [k, v, asFile] of kv) fd.append(k, asFile ? new File([v], "x.csv", { type: "text/csv" }) : v);
        return { body: fd }; // the Request sets multipart/form-data with its boundary
      }),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="text"\r\n\r\n13800138000`, // no final boundary
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nphone\n138`,
        `--other\r\n\r\n--other--`,
        "not multipart at all",
        "",
      )
      .map((body) => ({ contentType: `multipart/form-data; boundary=${BOUNDARY}`, body })),
  },
  { weight: 1, arbitrary: fc.constant<Body>({ contentType: "multipart/form-data", body: "no boundary" }) },
  { weight: 1, arbitrary: jsonBodies(FORM_FIELDS) },
);

// ---------------------------------------------------------------------------------------------
// The JSON API: every path × method of the OpenAPI document

type Op = { method: string; path: string; query: string[]; fields: string[]; hasBody: boolean };
const doc = (await (await p.app.request("/api/v1/openapi.json")).json()) as {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, any> };
};
const resolve = (s: any): any => (s?.$ref ? doc.components?.schemas?.[s.$ref.split("/").pop()] : s);
/** The body schema's property names (through $ref, allOf/anyOf), the fields a client would send. */
function fieldsOf(schema: any, depth = 0): string[] {
  const s = resolve(schema);
  if (!s || depth > 3) return [];
  const own = Object.keys(s.properties ?? {});
  const nested = [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap((x: any) =>
    fieldsOf(x, depth + 1),
  );
  return [...new Set([...own, ...nested])];
}
const ops: Op[] = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).map(([method, op]) => ({
    method: method.toUpperCase(),
    path: `/api/v1${path}`,
    query: (op.parameters ?? []).filter((x: any) => x.in === "query").map((x: any) => x.name as string),
    fields: fieldsOf(op.requestBody?.content?.["application/json"]?.schema),
    hasBody: !!op.requestBody,
  })),
);

const tokens = await inOrder(ROLES, async (r) => await apiClient(p, r.role, r.institution));
/** The first role the route lets in (a 403 means the role may not call it at all). */
async function clientFor(op: Op) {
  for (const t of tokens) {
    const res = await t.call(op.path.replace(/\{\w+\}/g, "1"), {
      method: op.method,
      ...(op.hasBody ? { json: {} } : {}),
    });
    if (res.status !== 403) return t;
  }
  return tokens[0]!;
}

async function expectJsonError(res: Response, what: string) {
  expect(res.status, what).toBeLessThan(500);
  if (res.status < 400) return;
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${what}: ${res.status} is not JSON: ${text.slice(0, 200)}`);
  }
  expect(typeof body?.error?.code, `${what}: ${text.slice(0, 200)}`).toBe("string");
  expect(typeof body?.error?.message, `${what}: ${text.slice(0, 200)}`).toBe("string");
}

describe("fuzz: every JSON route answers bad input with a 4xx in the error shape, never a 5xx", () => {
  for (const op of ops) {
    test(
      `${op.method} ${op.path}`,
      async () => {
        const client = await clientFor(op);
        const query = fc.dictionary(
          op.query.length
            ? fc.oneof(fc.constantFrom(...op.query), fc.string({ maxLength: 6 }))
            : fc.string({ maxLength: 6 }),
          oddStrings.filter((s) => s.length < 5000),
          { maxKeys: 4 },
        );
        const headers = fc.record({
          "Idempotency-Key": fc.option(
            oddStrings.filter((s) => s.length < 300 && !/[\r\n\0]/.test(s) && /^[\x20-\x7e]*$/.test(s)),
            { nil: undefined },
          ),
        });
        await fc.assert(
          fc.asyncProperty(
            filledPath(op.path),
            query,
            op.hasBody ? jsonBodies(op.fields) : fc.constant<Body>({}),
            headers,
            async (path, q, body, h) => {
              const qs = new URLSearchParams(q as Record<string, string>).toString();
              const hs: Record<string, string> = {};
              if (body.contentType) hs["Content-Type"] = body.contentType;
              if (h["Idempotency-Key"] !== undefined) hs["Idempotency-Key"] = h["Idempotency-Key"];
              const res = await client.call(`${path}${qs ? `?${qs}` : ""}`, {
                method: op.method,
                headers: hs,
                body: body.body,
              });
              await expectJsonError(res, `${op.method} ${path}?${qs.slice(0, 200)}`);
            },
          ),
          { numRuns: NUM_RUNS },
        );
      },
      TIMEOUT_MS,
    );
  }
});

// ---------------------------------------------------------------------------------------------
// The page forms: every POST route outside /api, with a signed-in session and its CSRF token

// signing out ends the session the rest of the run needs; its form has no input
const SKIP = new Set(["/signout"]);
const forms = [
  ...new Set(
    p.app.routes
      .filter((r) => r.method === "POST" && !r.path.startsWith("/api/") && !SKIP.has(r.path))
      .map((r) => r.path),
  ),
];
const sessions = await Promise.all(ROLES.map((r) => signIn(p, r.role, r.institution)));
type Session = (typeof sessions)[number];
const anonymous = {
  request: (path: string, init: RequestInit = {}) =>
    p.app.request(path, {
      ...init,
      headers: { ...Object.fromEntries(new Headers(init.headers)), Origin: "http://localhost" },
    }),
};

async function sessionFor(path: string): Promise<Pick<Session, "request">> {
  if (path === "/signin" || path.startsWith("/webhooks/")) return anonymous;
  const probe = path.replace(/:\w+(\{([^}]+)\})?/g, (_, __, re: string | undefined) =>
    re && /^[\w|]+$/.test(re) ? re.split("|")[0]! : re === "[a-z_]+" ? "suspects" : "1",
  );
  for (const s of sessions) {
    const res = await s.request(probe, { method: "POST", form: {} });
    if (res.status !== 403) return s;
  }
  return sessions[0]!;
}

describe("fuzz: every page form answers bad input without a 5xx", () => {
  for (const route of forms) {
    test(
      `POST ${route}`,
      async () => {
        const s = await sessionFor(route);
        await fc.assert(
          fc.asyncProperty(filledPath(route), formBodies, fc.boolean(), async (path, body, htmx) => {
            const headers: Record<string, string> = {};
            if (body.contentType) headers["Content-Type"] = body.contentType;
            if (htmx) headers["HX-Request"] = "true";
            const res = await s.request(path, { method: "POST", headers, body: body.body });
            const text = res.status >= 500 ? await res.text() : "";
            expect(res.status, `POST ${path} (${body.contentType ?? "no type"}): ${text.slice(0, 300)}`).toBeLessThan(
              500,
            );
          }),
          { numRuns: NUM_RUNS },
        );
      },
      TIMEOUT_MS,
    );
  }
});

describe("what the fuzzing found, kept as plain tests", () => {
  for (const kind of ["__proto__", "constructor"]) {
    test(`an import of the kind "${kind}" (a name every object has) is a 404, not a 500`, async () => {
      const res = await sessions[0]!.request(`/imports/${kind}`, { method: "POST", form: {} });
      expect(res.status).toBe(404);
    });
  }
});
