import { apiRouter } from "../api/openapi";

export const targetsApi = apiRouter();
