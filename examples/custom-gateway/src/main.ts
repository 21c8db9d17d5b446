/**
 * Starts the example gateway on :4000.
 */
import { buildGateway } from './gateway.js';

const gateway = await buildGateway();
const { url } = await gateway.listen({ port: Number(process.env.PORT ?? 4000) });
console.log(`custom gateway on ${url}`);
process.on('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
