/**
 * The OpenAI emulator as its own process (for tests that kill and restart a deployment):
 * `node --import tsx openai-emulator.ts <port> [latencyMs]`; prints `listening <port>`.
 */
import { startOpenAIEmulator } from '../emulators/openai.js';

const port = Number(process.argv[2] ?? 0);
const latencyMs = Number(process.argv[3] ?? 0);
const emu = await startOpenAIEmulator({ port, latencyMs, record: false });
process.stdout.write(`listening ${emu.port}\n`);
process.on('SIGTERM', () => void emu.close().then(() => process.exit(0)));
