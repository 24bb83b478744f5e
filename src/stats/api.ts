import { apiRouter } from "../api/openapi";

export const statsApi = apiRouter();
