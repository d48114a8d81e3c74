import { writeScenarioSchema } from "./scenario-schema-file.js";

/** `npm run eval:schema`: regenerates docs/scenario.schema.json after a change to the zod schema. */
const file = await writeScenarioSchema();
console.log(`wrote ${file}`);
