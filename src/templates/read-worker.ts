/** A worker thread's share of a large lint: reads its units and posts the result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { readEachUnit, type ReadContext, type ReadUnit } from './index.js';

const { units, context } = workerData as { units: readonly ReadUnit[]; context: ReadContext };
parentPort?.postMessage(await readEachUnit(units, context));
