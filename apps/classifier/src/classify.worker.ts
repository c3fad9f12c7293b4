/**
 * A classification worker thread (see ClassifierPool): classifies each content of a request and
 * answers with one result per content, in order. An error is that content's result, not the
 * request's, so one bad item never costs the others their classification.
 */
import { parentPort } from 'node:worker_threads';
import type { ClassifyRequest, ClassifyResponse } from './classifier-pool';
import { classifySafely } from './document-classification';

parentPort?.on('message', (request: ClassifyRequest) => {
  const response: ClassifyResponse = { id: request.id, results: request.contents.map(classifySafely) };
  parentPort?.postMessage(response);
});
