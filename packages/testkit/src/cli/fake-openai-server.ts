import { startFakeOpenAI } from "../fake-openai/index.js";

/** `npm run fake:openai`: the fake OpenAI API on a fixed port, answering with schema-valid plans and answers. */
const port = Number(process.env.FAKE_OPENAI_PORT ?? 8127);
const fake = await startFakeOpenAI({ port, apiKey: "demo-openai-key" });
console.log(`Fake OpenAI API on ${fake.url} (key: demo-openai-key). In another terminal:

  OPENAI_BASE_URL=${fake.url} OPENAI_API_KEY=demo-openai-key npm start
`);
const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
