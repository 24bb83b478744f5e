import { apiRouter } from "../api/openapi";

export const suspectsApi = apiRouter();
