// A worker thread starts without the TypeScript loader its parent may have (tsx, Vitest): it registers
// its own, for this import only, and runs the DynamoDB service.
import { tsImport } from 'tsx/esm/api';

await tsImport('./dynamodb-service.ts', import.meta.url);
