import { writeFile } from 'node:fs/promises';
import { contractFiles, renderContractDocuments } from './contract-documents.ts';

// `pnpm contracts`: regenerates the committed OpenAPI and AsyncAPI documents.
const documents = await renderContractDocuments();
await writeFile(contractFiles.openApi, documents.openApi);
await writeFile(contractFiles.asyncApi, documents.asyncApi);
process.stdout.write(`wrote ${contractFiles.openApi} and ${contractFiles.asyncApi}\n`);
