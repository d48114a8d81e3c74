import type { AuthedState } from "../app-state.js";
import type { ApiRoute } from "../contract/api-route.js";
import { jsonResponse } from "../contract/responses.js";
import type { ServiceCatalog } from "../services/service-catalog.js";

/** GET /services: the services a client can ask about (the console's picker). */
export function servicesRoutes(deps: { readonly catalog: ServiceCatalog }): ApiRoute<AuthedState>[] {
  return [
    {
      method: "get",
      path: "/services",
      operationId: "listServices",
      tags: ["services"],
      summary: "The services you can ask about",
      description:
        "With a backend (BACKEND_API_URL) that lists its services (GET /services on the backend), its directory: " +
        "ask only about those. Otherwise the services of config.json, or with demo data the demo services; any " +
        "other service id is accepted too (`free_text`).",
      responses: { "200": jsonResponse("The services", "ServiceList") },
      handler: async (ctx) => {
        ctx.body = await deps.catalog.list();
      },
    },
  ];
}
