// GET /api/v1/districts: the center's list of districts, for any signed-in caller (a bank's
// system that files targets needs the names as much as an agent's).
import { apiRouter, commonErrors, createRoute, jsonResponse, z } from "../api/openapi";
import { listDistricts } from "./service";

const Districts = z
  .object({
    districts: z.array(z.object({ name: z.string().openapi({ example: "南山区" }) })).openapi({
      description: "Cases, targets and imports accept only these names; an empty list means any name is accepted",
    }),
  })
  .openapi("Districts");

export const districtsApi = apiRouter().openapi(
  createRoute({
    method: "get",
    path: "/districts",
    tags: ["Session"],
    summary: "The center's districts (辖区), kept by the administrator",
    responses: { 200: jsonResponse(Districts, "Every listed district, in pinyin order"), ...commonErrors },
  }),
  async (c) => c.json({ districts: (await listDistricts(c.var.deps.db)).map((name) => ({ name })) }, 200),
);
