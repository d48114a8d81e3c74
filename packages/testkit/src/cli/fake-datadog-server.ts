import { startFakeDatadog } from "../fake-datadog/index.js";

/**
 * `npm run fake:datadog`: the fake Datadog API on a fixed port, serving the demo scenarios, so a
 * newcomer can run `npm start` through the real Datadog client path.
 */
const port = Number(process.env.FAKE_DATADOG_PORT ?? 8126);
const fake = await startFakeDatadog({ port, apiKey: "demo-api-key", appKey: "demo-app-key" });
console.log(`Fake Datadog API on ${fake.url} (keys: demo-api-key / demo-app-key). In another terminal:

  DATADOG_API_URL=${fake.url} DATADOG_API_KEY=demo-api-key DATADOG_APP_KEY=demo-app-key npm start
`);
const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
