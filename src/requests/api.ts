import { apiRouter } from "../api/openapi";

export const requestsApi = apiRouter();
