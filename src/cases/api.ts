import { apiRouter } from "../api/openapi";

export const casesApi = apiRouter();
